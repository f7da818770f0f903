import { useEffect, useRef, useState } from "react";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import Form from "@cloudscape-design/components/form";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import Input from "@cloudscape-design/components/input";
import SpaceBetween from "@cloudscape-design/components/space-between";
import Spinner from "@cloudscape-design/components/spinner";
import { ConsoleI18n } from "../i18n";
import { navigate } from "../router";
import { captureSignInToken, takeSignInToken, useSession, useSignIn } from "../session";

export default function SignInPage() {
  const session = useSession();
  const signIn = useSignIn();
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecretAccessKey] = useState("");
  const tokenTried = useRef(false);
  // Empty fields are pointed out only once the user has tried to sign in.
  const [submitted, setSubmitted] = useState(false);

  useEffect(() => {
    document.title = "Sign in | Pipewright";
  }, []);

  // A sign-in link (…/signin#token=…) signs in without typing keys; the token was already taken
  // out of the address bar when the app started.
  useEffect(() => {
    if (tokenTried.current) return;
    tokenTried.current = true;
    const signInToken = takeSignInToken();
    if (signInToken !== undefined) signIn.mutate({ signInToken });
  }, [signIn]);

  // A link opened in a tab that already shows this page changes only the address's fragment.
  useEffect(() => {
    const onHashChange = () => {
      captureSignInToken();
      const signInToken = takeSignInToken();
      if (signInToken !== undefined) signIn.mutate({ signInToken });
    };
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, [signIn]);

  const signedIn = session.data != null;
  useEffect(() => {
    if (signedIn && !signIn.isPending) navigate("/", { replace: true });
  }, [signedIn, signIn.isPending]);

  const submit = () => {
    setSubmitted(true);
    if (signIn.isPending || accessKeyId.trim() === "" || secretAccessKey === "") return;
    signIn.mutate({ accessKeyId: accessKeyId.trim(), secretAccessKey });
  };

  return (
    <ConsoleI18n>
      <main style={{ maxWidth: 480, margin: "10vh auto", padding: "0 1rem" }}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Form
            header={
              <Header variant="h1" description="Sign in with an access key of this Pipewright server.">
                Pipewright
              </Header>
            }
            errorText={signIn.error?.message}
            actions={
              <Button variant="primary" formAction="submit" loading={signIn.isPending}>
                Sign in
              </Button>
            }
          >
            <Container header={<Header variant="h2">Sign in</Header>}>
              {session.isPending ? (
                <Box textAlign="center">
                  <Spinner size="large" />
                </Box>
              ) : (
                <SpaceBetween size="l">
                  <FormField
                    label="Access key ID"
                    errorText={submitted && accessKeyId.trim() === "" ? "Enter an access key ID." : undefined}
                  >
                    <Input
                      value={accessKeyId}
                      onChange={({ detail }) => setAccessKeyId(detail.value)}
                      autoComplete="username"
                      spellcheck={false}
                      autoFocus
                    />
                  </FormField>
                  <FormField
                    label="Secret access key"
                    errorText={
                      submitted && secretAccessKey === "" ? "Enter the secret access key." : undefined
                    }
                  >
                    <Input
                      type="password"
                      value={secretAccessKey}
                      onChange={({ detail }) => setSecretAccessKey(detail.value)}
                      autoComplete="current-password"
                    />
                  </FormField>
                </SpaceBetween>
              )}
            </Container>
          </Form>
        </form>
      </main>
    </ConsoleI18n>
  );
}
