// How to clone a repository, like the CodeCommit console's "Connection steps": over HTTPS with the
// AWS CLI's credential helper, or over SSH with an uploaded public key, as the README sets them up.
import { useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import CopyToClipboard from "@cloudscape-design/components/copy-to-clipboard";
import Modal from "@cloudscape-design/components/modal";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Tabs from "@cloudscape-design/components/tabs";
import type { RepositoryMetadata } from "../services/codecommit";
import "./code.css";

function Step({ title, command, label }: { title: string; command?: string; label: string }) {
  return (
    <SpaceBetween size="xxs">
      <Box>{title}</Box>
      {command && (
        <SpaceBetween direction="horizontal" size="xs" alignItems="start">
          <pre className="pw-code" role="region" aria-label={label} tabIndex={0}>
            {command}
          </pre>
          <CopyToClipboard
            variant="icon"
            textToCopy={command}
            copyButtonAriaLabel={`Copy: ${label}`}
            copySuccessText="Copied"
            copyErrorText="Not copied"
          />
        </SpaceBetween>
      )}
    </SpaceBetween>
  );
}

/** Host and port of `ssh://host:port/…` (22 when the URL names none). */
function sshHost(cloneUrlSsh: string): { host: string; port: string } {
  const match = /^ssh:\/\/(?:[^@/]+@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?/.exec(cloneUrlSsh);
  return { host: match?.[1] ?? "127.0.0.1", port: match?.[2] ?? "22" };
}

function HttpsSteps({ repository }: { repository: RepositoryMetadata }) {
  const url = repository.cloneUrlHttp ?? "";
  const origin = url ? new URL(url).origin : "";
  const helper = `'!f() { test "$1" = get && aws --profile pipewright codecommit credential-helper --ignore-host-check get; }; f'`;
  return (
    <SpaceBetween size="m">
      <Step
        title="Step 1: Give the AWS CLI a profile for this server, once (profile pipewright: key, region, endpoint)."
        command="pipewright configure"
        label="Profile command"
      />
      <Step
        title="Step 2: Let the AWS CLI sign git in with that profile, once (--ignore-host-check because the host is not AWS's)."
        command={`git config --global credential.${origin}.helper \\\n  ${helper}\ngit config --global credential.${origin}.UseHttpPath true`}
        label="Credential helper configuration"
      />
      <Step title="Step 3: Clone the repository." command={`git clone ${url}`} label="HTTPS clone command" />
      <Step
        title="Instead of the helper: a git user name and password of your own, printed once, for git to ask for."
        command={`aws --endpoint-url ${origin} iam create-service-specific-credential --user-name root \\\n  --service-name codecommit.amazonaws.com --query 'ServiceSpecificCredential.[ServiceUserName,ServicePassword]'`}
        label="Git credentials command"
      />
      <Box>
        Clone URL (HTTPS): <Box variant="code">{url}</Box>
      </Box>
    </SpaceBetween>
  );
}

function SshSteps({ repository }: { repository: RepositoryMetadata }) {
  const url = repository.cloneUrlSsh;
  if (!url) return <Box>This server does not serve git over SSH.</Box>;
  const origin = repository.cloneUrlHttp ? new URL(repository.cloneUrlHttp).origin : "";
  const { host, port } = sshHost(url);
  return (
    <SpaceBetween size="m">
      <Step
        title="Step 1: Upload your SSH public key (IAM UploadSSHPublicKey) and note its SSH key id."
        command={`aws --endpoint-url ${origin} iam upload-ssh-public-key --user-name root \\\n  --ssh-public-key-body file://$HOME/.ssh/id_ed25519.pub --query SSHPublicKey.SSHPublicKeyId --output text`}
        label="Upload SSH public key command"
      />
      <Step
        title={`Step 2: Trust the server's host key once (compare with the fingerprint the server printed at start).`}
        command={`mkdir -p ~/.ssh && ssh-keyscan -p ${port} ${host} >> ~/.ssh/known_hosts`}
        label="Host key command"
      />
      <Step
        title="Step 3: Add this entry to ~/.ssh/config, with your SSH key id as the user (not git)."
        command={`Host ${host}\n  User Your-SSH-Key-ID\n  Port ${port}\n  IdentityFile ~/.ssh/id_ed25519`}
        label="SSH configuration entry"
      />
      <Step title="Step 4: Clone the repository." command={`git clone ${url}`} label="SSH clone command" />
      <Box>
        Clone URL (SSH): <Box variant="code">{url}</Box>
      </Box>
    </SpaceBetween>
  );
}

/** The "Clone URL" button and the dialog of connection steps it opens. */
export function ConnectionSteps({ repository }: { repository: RepositoryMetadata }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button onClick={() => setOpen(true)}>Clone URL</Button>
      <Modal
        visible={open}
        size="large"
        onDismiss={() => setOpen(false)}
        header="Connection steps"
        footer={
          <Box float="right">
            <Button variant="primary" onClick={() => setOpen(false)}>
              Close
            </Button>
          </Box>
        }
      >
        <Tabs
          ariaLabel="Protocol"
          tabs={[
            { id: "https", label: "HTTPS", content: <HttpsSteps repository={repository} /> },
            { id: "ssh", label: "SSH", content: <SshSteps repository={repository} /> },
          ]}
        />
      </Modal>
    </>
  );
}
