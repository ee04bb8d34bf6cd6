import { absoluteTime, relativeTime } from './format';

/** `5 minutes ago`, with the exact time on hover. */
export function TimeAgo(props: { time: string }) {
  return (
    <time dateTime={props.time} title={absoluteTime(props.time)}>
      {relativeTime(props.time)}
    </time>
  );
}
