#!/usr/bin/env bash
# Runs once, on an empty data volume (docker-entrypoint-initdb.d): one login role and one
# database per subgraph, each role owning only its database, so no subgraph can read another's
# tables. The passwords come from <SUBGRAPH>_DB_PASSWORD. The subgraphs apply their own
# migrations when they start.
set -eo pipefail

for name in customers catalog orders inventory shipments; do
  password_variable="${name^^}_DB_PASSWORD"
  password="${!password_variable:?$password_variable is not set}"
  psql --username "$POSTGRES_USER" --dbname postgres --set ON_ERROR_STOP=1 \
    --set role="$name" --set password="$password" --set database="ordergraph_$name" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
SQL
done
