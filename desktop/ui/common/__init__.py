"""What every feature screen builds on: the task runner, small widgets, Vietnam time."""
