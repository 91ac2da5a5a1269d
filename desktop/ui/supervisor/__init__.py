"""The supervisor's screens: the dashboard, the province's report, the survey list."""
