"""The public answers' search (`/cong-khai/?q=`) can read the trigram index migration 0015 builds: the
words anywhere in the folded texts are a `LIKE '% word%'` that PostgreSQL answers from pg_trgm's GIN index
over the published rows, not by reading them all (the speed is bench public_search_trgm's)."""

from __future__ import annotations

import psycopg
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from server.models import Ticket
from server.services import publication

INDEX = "ix_tickets_public_search_trgm"


def test_the_migrations_build_a_trigram_index_of_the_published_rows(db_url: str) -> None:
    with psycopg.connect(db_url.replace("postgresql+psycopg://", "postgresql://")) as raw:
        found = raw.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (INDEX,)).fetchone()
    assert found is not None, "no trigram index: is pg_trgm installed with PostgreSQL?"
    (definition,) = found
    assert "gin" in definition and "gin_trgm_ops" in definition and "cong_khai" in definition


# 20,000 published answers, one in a hundred about an urgent case ("khẩn"), folded as the server does.
_PUBLISHED = """
INSERT INTO tickets (id, code, version, received_at, channel, phone, citizen_name, citizen_address,
  request_type, level, is_tthc, tthc_code, content, answer, status, satisfaction, created_by, updated_by,
  created_at, updated_at, creator_rank, field_meta, origin_client, publication, public_question,
  public_answer, public_search, resolved_at)
SELECT md5('pub' || n)::uuid::text, 'PUB-IDX-' || n, 1, now(), 'dien_thoai', '', '', '', 'hoi_thong_tin', 1,
  false, '', '', '', 'da_xu_ly', 'chua_danh_gia', 'dtv1', 'dtv1', now(), now(), 1, '{}', '', 'cong_khai',
  'Hỏi số ' || n, 'Trả lời số ' || n,
  ' hoi ve giay phep lai xe so ' || n || CASE WHEN n % 100 = 7 THEN ' truong hop khan cap ' ELSE ' ' END,
  now()
FROM generate_series(1, 20000) n
"""


def test_the_searchs_own_query_is_answered_from_the_trigram_index(db_url: str) -> None:
    engine = create_engine(db_url)
    with Session(engine) as session, session.begin():
        session.execute(text(_PUBLISHED))
        session.execute(text("ANALYZE tickets"))
        query = (
            select(func.count())
            .select_from(Ticket)
            .where(publication._published(session, publication.query_words("khẩn cấp")))  # the page's own
        )
        compiled = query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
        sql = str(compiled).replace("%%", "%")  # the psycopg dialect doubles a literal % for its placeholders
        plan = "\n".join(session.scalars(text(f"EXPLAIN {sql}")))
        assert session.scalar(query) == 200
    engine.dispose()
    assert INDEX in plan, plan
