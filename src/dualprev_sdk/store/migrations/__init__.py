"""Alembic migration scripts, shipped inside the package so ``dualprev init`` can upgrade any installation."""
