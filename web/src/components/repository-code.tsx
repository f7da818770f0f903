// A repository's code at a branch, tag or commit: a folder's subfolders, files, symbolic links and
// submodules (GetFolder), or one file's content (GetFile) with line numbers; README.md at the root
// shown as plain text under the listing. A path names a folder or a file: GetFolder says which, unless
// the folder's listing already named it a file.
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import BreadcrumbGroup from "@cloudscape-design/components/breadcrumb-group";
import Container from "@cloudscape-design/components/container";
import Header from "@cloudscape-design/components/header";
import Icon from "@cloudscape-design/components/icon";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Table from "@cloudscape-design/components/table";
import { AwsError } from "../api";
import { decodeBase64, textOf } from "../diff";
import { commitPath, repositoryCodePath } from "../paths";
import { POLL_INTERVAL } from "../query";
import { pathAtKey } from "../query-keys";
import { followLink, href } from "../router";
import { type File, type Folder, getFile, getFolder } from "../services/codecommit";
import { CodeLines } from "./code-lines";
import { EmptyState, emptyOrError } from "./table-states";
import { ConsoleLink } from "./console-link";

/** Files larger than this are not shown. */
const MAX_SHOWN_BYTES = 1024 * 1024;

type PathAt = { kind: "folder"; folder: Folder } | { kind: "file"; file: File };

/**
 * What `filePath` names at `ref`. A path the page already knows to be a file (its folder's listing
 * says so) is read with GetFile alone; any other is asked of GetFolder first.
 */
async function fetchPathAt(name: string, ref: string, filePath: string, knownFile: boolean): Promise<PathAt> {
  if (!knownFile) {
    try {
      return { kind: "folder", folder: await getFolder(name, ref, filePath === "" ? "/" : filePath) };
    } catch (error) {
      if (filePath === "" || !(error instanceof AwsError) || error.code !== "FolderDoesNotExistException")
        throw error;
    }
  }
  return { kind: "file", file: await getFile(name, ref, filePath) };
}

/** Whether the listing of `filePath`'s folder, if the page has read it, names `filePath` a file. */
function listedAsFile(client: QueryClient, name: string, ref: string, filePath: string): boolean {
  const slash = filePath.lastIndexOf("/");
  const listing = client.getQueryData<PathAt>(
    pathAtKey(name, ref, slash === -1 ? "" : filePath.slice(0, slash)),
  );
  return (
    listing?.kind === "folder" &&
    (listing.folder.files ?? []).some((f) => f.absolutePath.replace(/^\/+/, "") === filePath)
  );
}

interface Entry {
  kind: "folder" | "file" | "symlink" | "submodule";
  name: string;
  path: string;
  commitId?: string;
}

function entriesOf(folder: Folder): Entry[] {
  const byName = (a: Entry, b: Entry) => a.name.localeCompare(b.name);
  const entries = (kind: Entry["kind"], list: { relativePath: string; absolutePath: string }[] = []) =>
    list.map((e): Entry => ({ kind, name: e.relativePath, path: e.absolutePath })).sort(byName);
  return [
    ...entries("folder", folder.subFolders),
    ...entries("file", folder.files),
    ...entries("symlink", folder.symbolicLinks),
    ...(folder.subModules ?? [])
      .map((m): Entry => ({
        kind: "submodule",
        name: m.relativePath,
        path: m.absolutePath,
        commitId: m.commitId,
      }))
      .sort(byName),
  ];
}

const KIND_LABELS: Record<Entry["kind"], string> = {
  folder: "Folder",
  file: "File",
  symlink: "Symbolic link",
  submodule: "Submodule",
};

function PathBreadcrumbs({ name, gitRef, filePath }: { name: string; gitRef: string; filePath: string }) {
  const segments = filePath.split("/").filter((s) => s !== "");
  const items = [
    { text: name, href: href(repositoryCodePath(name, gitRef)) },
    ...segments.map((segment, index) => ({
      text: segment,
      href: href(repositoryCodePath(name, gitRef, segments.slice(0, index + 1).join("/"))),
    })),
  ];
  return <BreadcrumbGroup ariaLabel="Path" items={items} onFollow={followLink} />;
}

function FolderListing({ name, gitRef, folder }: { name: string; gitRef: string; folder: Folder }) {
  const entries = entriesOf(folder);
  return (
    <Table
      variant="container"
      header={
        <Header counter={`(${entries.length})`}>
          {folder.folderPath === "/" ? name : folder.folderPath}
        </Header>
      }
      items={entries}
      trackBy="path"
      empty={<EmptyState title="Empty folder" />}
      columnDefinitions={[
        {
          id: "name",
          header: "Name",
          isRowHeader: true,
          cell: (e) => (
            <SpaceBetween direction="horizontal" size="xs">
              <Icon name={e.kind === "folder" ? "folder" : e.kind === "submodule" ? "external" : "file"} />
              {e.kind === "submodule" ? (
                <span>{e.name}</span>
              ) : (
                <ConsoleLink path={repositoryCodePath(name, gitRef, e.path)}>{e.name}</ConsoleLink>
              )}
            </SpaceBetween>
          ),
        },
        { id: "kind", header: "Type", cell: (e) => KIND_LABELS[e.kind] },
        {
          id: "commit",
          header: "Submodule commit",
          cell: (e) => (e.commitId ? <Box variant="code">{e.commitId.slice(0, 7)}</Box> : "-"),
        },
      ]}
    />
  );
}

/** A file's content as text with line numbers; binary or large files are named, not shown. */
function FileContent({ file }: { file: File }) {
  const fileName = file.filePath.split("/").pop() ?? file.filePath;
  const text = file.fileSize > MAX_SHOWN_BYTES ? undefined : textOf(decodeBase64(file.fileContent));
  return (
    <Container
      header={
        <Header variant="h2" description={`${file.fileSize} bytes`}>
          {fileName}
        </Header>
      }
    >
      {file.fileSize > MAX_SHOWN_BYTES ? (
        <Box>This file is too large to show ({file.fileSize} bytes; the console shows files up to 1 MB).</Box>
      ) : text === undefined ? (
        <Box>This is a binary file; its content is not shown.</Box>
      ) : (
        <CodeLines text={text} label={`Content of ${file.filePath}`} />
      )}
    </Container>
  );
}

/** README.md at the root, as plain text. */
function Readme({ name, gitRef, path, live }: { name: string; gitRef: string; path: string; live: boolean }) {
  const query = useQuery({
    queryKey: pathAtKey(name, gitRef, path),
    queryFn: () => fetchPathAt(name, gitRef, path, true),
    refetchInterval: live ? POLL_INTERVAL : false,
  });
  if (query.data?.kind !== "file") return null;
  const file = query.data.file;
  const text = file.fileSize > MAX_SHOWN_BYTES ? undefined : textOf(decodeBase64(file.fileContent));
  if (text === undefined) return null;
  return (
    <Container header={<Header variant="h2">{path}</Header>}>
      <Box variant="p">
        <span style={{ whiteSpace: "pre-wrap" }}>{text}</span>
      </Box>
    </Container>
  );
}

export function RepositoryCode({
  name,
  gitRef,
  filePath,
  live,
}: {
  name: string;
  gitRef: string;
  filePath: string;
  /** A branch moves: poll it. A tag or commit does not. */
  live: boolean;
}) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: pathAtKey(name, gitRef, filePath),
    queryFn: () => fetchPathAt(name, gitRef, filePath, listedAsFile(client, name, gitRef, filePath)),
    refetchInterval: live ? POLL_INTERVAL : false,
  });
  const data = query.data;
  const readme =
    data?.kind === "folder" && filePath === ""
      ? data.folder.files?.find((f) => f.relativePath.toLowerCase() === "readme.md")
      : undefined;
  const commitId = data?.kind === "folder" ? data.folder.commitId : data?.file.commitId;
  return (
    <SpaceBetween size="l">
      <PathBreadcrumbs name={name} gitRef={gitRef} filePath={filePath} />
      {commitId && (
        <Box color="text-body-secondary">
          At commit <ConsoleLink path={commitPath(name, commitId)}>{commitId.slice(0, 7)}</ConsoleLink>
        </Box>
      )}
      {query.isPending && <StatusIndicator type="loading">Loading</StatusIndicator>}
      {query.error && emptyOrError(query.error, null)}
      {data?.kind === "folder" && <FolderListing name={name} gitRef={gitRef} folder={data.folder} />}
      {data?.kind === "file" && <FileContent file={data.file} />}
      {readme && <Readme name={name} gitRef={gitRef} path={readme.absolutePath} live={live} />}
    </SpaceBetween>
  );
}
