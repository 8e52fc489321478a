"""Operations: the admin API (uploads, rollback), the version history, liveness and readiness."""
