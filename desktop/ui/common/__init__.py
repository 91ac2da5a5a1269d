"""What every feature screen builds on: the task runner, the services bundle, small widgets, Vietnam time."""
