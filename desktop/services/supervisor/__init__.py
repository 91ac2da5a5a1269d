"""The supervisor's figures: the dashboard counts, the province's report, satisfaction surveys."""
