import Box from "@cloudscape-design/components/box";
import ContentLayout from "@cloudscape-design/components/content-layout";
import Header from "@cloudscape-design/components/header";
import Link from "@cloudscape-design/components/link";
import { followLink, href } from "../router";

export default function NotFoundPage() {
  return (
    <ContentLayout header={<Header variant="h1">Page not found</Header>}>
      <Box variant="p">
        The console has no page at this address.{" "}
        <Link href={href("/")} onFollow={followLink}>
          Go to the Dashboard
        </Link>
        .
      </Box>
    </ContentLayout>
  );
}
