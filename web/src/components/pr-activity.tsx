// A pull request's comments (GetCommentsForPullRequest): each thread oldest first with its replies
// under the comment they answer, a Reply box on each comment (PostCommentReply), and a box to post
// one on the pull request as a whole (PostCommentForPullRequest between its destination and source
// commits). Comments are user text: they are rendered as text, never as markup.
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
  type CommentsForPullRequest,
  getAllCommentsForPullRequest,
  postCommentForPullRequest,
  postCommentReply,
  type PullRequest,
  requestToken,
} from "../services/pull-requests";
import { shortArn } from "./pull-request-status";

interface Shown extends Comment {
  filePath?: string;
  /** How many replies deep: 0 for a thread's first comment. */
  depth: number;
}

/** The comments in reading order: each first comment by time, then its replies under it, by time. */
function threaded(threads: CommentsForPullRequest[]): Shown[] {
  const all = threads
    .flatMap((thread) =>
      (thread.comments ?? []).map((c) => ({
        ...c,
        ...(thread.location?.filePath && { filePath: thread.location.filePath }),
      })),
    )
    .sort((a, b) => (a.creationDate ?? 0) - (b.creationDate ?? 0));
  const ids = new Set(all.map((c) => c.commentId));
  const replies = new Map<string, typeof all>();
  const firsts: typeof all = [];
  for (const c of all) {
    if (c.inReplyTo && ids.has(c.inReplyTo))
      replies.set(c.inReplyTo, [...(replies.get(c.inReplyTo) ?? []), c]);
    else firsts.push(c);
  }
  const shown: Shown[] = [];
  const seen = new Set<string | undefined>();
  const visit = (c: (typeof all)[number], depth: number) => {
    if (seen.has(c.commentId)) return;
    seen.add(c.commentId);
    shown.push({ ...c, depth });
    for (const reply of replies.get(c.commentId ?? "") ?? []) visit(reply, depth + 1);
  };
  for (const c of firsts) visit(c, 0);
  return shown;
}

function ReplyForm({
  pullRequestId,
  comment,
  onDone,
}: {
  pullRequestId: string;
  comment: Shown;
  onDone: () => void;
}) {
  const queryClient = useQueryClient();
  const [content, setContent] = useState("");
  const reply = useMutation({
    mutationFn: () =>
      postCommentReply({ inReplyTo: comment.commentId ?? "", content, clientRequestToken: requestToken() }),
    onSuccess: async () => {
      onDone();
      await queryClient.invalidateQueries({ queryKey: pullRequestKey(pullRequestId) });
    },
  });
  const author = shortArn(comment.authorArn);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!reply.isPending) reply.mutate();
      }}
    >
      <SpaceBetween size="xs">
        <FormField label={`Reply to ${author}`} errorText={reply.error?.message}>
          <Textarea
            value={content}
            onChange={({ detail }) => setContent(detail.value)}
            invalid={reply.error !== null}
            autoFocus
          />
        </FormField>
        <SpaceBetween direction="horizontal" size="xs">
          <Button variant="primary" formAction="submit" loading={reply.isPending}>
            Reply
          </Button>
          <Button formAction="none" onClick={onDone}>
            Cancel
          </Button>
        </SpaceBetween>
      </SpaceBetween>
    </form>
  );
}

function CommentItem({ comment, onReply }: { comment: Shown; onReply?: () => void }) {
  return (
    <SpaceBetween size="xxs">
      <Box variant="small">
        <Box variant="strong" fontSize="body-s">
          {shortArn(comment.authorArn)}
        </Box>{" "}
        {comment.depth > 0 ? "replied" : "commented"} {formatTime(comment.creationDate)}
        {comment.filePath && comment.depth === 0 && <> on {comment.filePath}</>}
      </Box>
      {comment.deleted ? (
        <Box color="text-status-inactive">This comment was deleted.</Box>
      ) : (
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{comment.content}</div>
      )}
      {onReply && (
        <Button variant="inline-link" onClick={onReply} ariaLabel={`Reply to ${shortArn(comment.authorArn)}`}>
          Reply
        </Button>
      )}
    </SpaceBetween>
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
  const [replyingTo, setReplyingTo] = useState<string>();
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
  const comments = threaded(query.data ?? []);

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
        <SpaceBetween size="m">
          {comments.map((c, index) => (
            <Box key={c.commentId ?? index} padding={{ left: c.depth > 0 ? "xl" : "n" }}>
              <SpaceBetween size="xs">
                <CommentItem
                  comment={c}
                  onReply={c.deleted || !c.commentId ? undefined : () => setReplyingTo(c.commentId)}
                />
                {replyingTo !== undefined && replyingTo === c.commentId && (
                  <ReplyForm pullRequestId={id} comment={c} onDone={() => setReplyingTo(undefined)} />
                )}
              </SpaceBetween>
            </Box>
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
