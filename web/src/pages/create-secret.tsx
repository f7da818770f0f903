// Secrets Manager's Store a new secret form, for a plaintext value.
import { NamedValueForm } from "../components/named-value-form";
import { SECRETS_KEY } from "../query-keys";
import { createSecret } from "../services/secretsmanager";

const ERRORS = {
  name: new Set(["ResourceExistsException"]),
  value: new Set<string>(),
  validation: new Set(["InvalidParameterException", "ValidationException", "InvalidRequestException"]),
  valueWords: /secretstring|secret value|\bvalue\b/,
};

export default function CreateSecretPage() {
  return (
    <NamedValueForm
      title="Store a new secret"
      description="A secret holds a credential, key or other sensitive value."
      listPath="/secretsmanager/secrets"
      listKey={SECRETS_KEY}
      submitText="Store"
      failedHeader="The secret was not stored"
      detailsHeader="Secret details"
      nameLabel="Secret name"
      nameConstraint="Up to 512 letters, digits and /_+=.@-"
      valueLabel="Secret value"
      valueDescription="Plaintext"
      errors={ERRORS}
      save={({ name, description, value }) =>
        createSecret({
          Name: name,
          SecretString: value,
          ...(description !== "" && { Description: description }),
        })
      }
    />
  );
}
