import Button, { ButtonProps } from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

export type ActionButtonProps = Omit<ButtonProps, 'disabled'> & {
  /**
   * Why the action cannot be taken now (no permission, nothing to do, a gate
   * blocks it). The button is disabled and says why on hover (and in its
   * wrapper's title); never a button that fails.
   */
  disabledReason?: string;
};

/** A button that is either usable or disabled with the reason why. */
export function ActionButton(props: ActionButtonProps) {
  const { disabledReason, ...buttonProps } = props;
  if (!disabledReason) {
    return <Button size="small" {...buttonProps} />;
  }
  return (
    <Tooltip title={disabledReason}>
      {/*
        A disabled button gets no pointer events: its wrapper shows the
        tooltip, and carries the reason as its title while closed.
      */}
      <span style={{ display: 'inline-block' }}>
        <Button size="small" {...buttonProps} disabled />
      </span>
    </Tooltip>
  );
}
