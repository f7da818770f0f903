import Box from "@cloudscape-design/components/box";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import { ConsoleLink } from "../components/console-link";

export default function NotFoundPage() {
  return (
    <ContentLayout header={<Header variant="h1">Page not found</Header>}>
      <Box variant="p">
        The console has no page at this address. <ConsoleLink path={"/"}>Go to the Dashboard</ConsoleLink>.
      </Box>
    </ContentLayout>
  );
}
