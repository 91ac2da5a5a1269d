"""The central server of Tổng đài 1022: accounts, the sync endpoints, catalogs, presence (FastAPI)."""
