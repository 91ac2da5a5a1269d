"""The phone's use cases without Qt: the session, call log, callbacks, account, audio, recordings."""
