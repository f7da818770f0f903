// A pull request's comments (GetCommentsForPullRequest), oldest first, and a box to post one on the
// pull request as a whole (PostCommentForPullRequest between its destination and source commits).
// Comments are user text: they are rendered as text, never as markup.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Box from "@cloudscape-design/components/box";
import Button from "@cloudscape-design/components/button";
import Container from "@cloudscape-design/components/container";
import FormField from "@cloudscape-design/components/form-field";
import Header from "@cloudscape-design/components/header";
import SpaceBetween from "@cloudscape-design/components/space-between";
import StatusIndicator from "@cloudscape-design/components/status-indicator";
import Textarea from "@cloudscape-design/components/textarea";
import { formatTime } from "../format";
import { POLL_INTERVAL } from "../query";
import { pullRequestKey } from "../query-keys";
import {
  type Comment,
  getAllCommentsForPullRequest,
  postCommentForPullRequest,
  type PullRequest,
  requestToken,
} from "../services/pull-requests";
import { shortArn } from "./pull-request-status";

interface Shown extends Comment {
  filePath?: string;
}

function CommentItem({ comment }: { comment: Shown }) {
  return (
    <Box padding={{ vertical: "xs" }}>
      <Box variant="small">
        <Box variant="strong" fontSize="body-s">
          {shortArn(comment.authorArn)}
        </Box>{" "}
        commented {formatTime(comment.creationDate)}
        {comment.filePath && <> on {comment.filePath}</>}
        {comment.inReplyTo && <> (reply)</>}
      </Box>
      {comment.deleted ? (
        <Box color="text-status-inactive">This comment was deleted.</Box>
      ) : (
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{comment.content}</div>
      )}
    </Box>
  );
}

export function PullRequestActivity({ pullRequest }: { pullRequest: PullRequest }) {
  const queryClient = useQueryClient();
  const id = pullRequest.pullRequestId;
  const target = pullRequest.pullRequestTargets?.[0];
  const query = useQuery({
    queryKey: [...pullRequestKey(id), "comments"],
    queryFn: () => getAllCommentsForPullRequest(id),
    refetchInterval: POLL_INTERVAL,
  });
  const [content, setContent] = useState("");
  const post = useMutation({
    mutationFn: () =>
      postCommentForPullRequest({
        pullRequestId: id,
        repositoryName: target?.repositoryName ?? "",
        beforeCommitId: target?.destinationCommit ?? "",
        afterCommitId: target?.sourceCommit ?? "",
        content,
        clientRequestToken: requestToken(),
      }),
    onSuccess: async () => {
      setContent("");
      await queryClient.invalidateQueries({ queryKey: pullRequestKey(id) });
    },
  });
  const comments: Shown[] = (query.data ?? [])
    .flatMap((thread) =>
      (thread.comments ?? []).map((c) => ({
        ...c,
        ...(thread.location?.filePath && { filePath: thread.location.filePath }),
      })),
    )
    .sort((a, b) => (a.creationDate ?? 0) - (b.creationDate ?? 0));

  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header variant="h2" counter={`(${comments.length})`}>
            Comments
          </Header>
        }
      >
        {query.isPending && <StatusIndicator type="loading">Loading comments</StatusIndicator>}
        {query.error && <StatusIndicator type="error">{query.error.message}</StatusIndicator>}
        {query.data && comments.length === 0 && (
          <Box color="text-status-inactive">No comments on this pull request yet.</Box>
        )}
        <SpaceBetween size="s">
          {comments.map((c, index) => (
            <CommentItem key={c.commentId ?? index} comment={c} />
          ))}
        </SpaceBetween>
      </Container>
      <Container header={<Header variant="h2">Add a comment</Header>}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!post.isPending) post.mutate();
          }}
        >
          <SpaceBetween size="s">
            <FormField label="New comment" errorText={post.error?.message}>
              <Textarea
                value={content}
                onChange={({ detail }) => setContent(detail.value)}
                invalid={post.error !== null}
                placeholder="Comment on the pull request"
              />
            </FormField>
            <Button variant="primary" formAction="submit" loading={post.isPending}>
              Comment
            </Button>
          </SpaceBetween>
        </form>
      </Container>
    </SpaceBetween>
  );
}
