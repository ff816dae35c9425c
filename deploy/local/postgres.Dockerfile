# PostgreSQL for hosts without an image registry: Debian's postgresql on the
# local base, started like the official postgres image (POSTGRES_PASSWORD,
# POSTGRES_USER, POSTGRES_DB, PGDATA, PGPORT; initdb on an empty volume).
# Context: deploy/local.
ARG BASE_IMAGE=local/debian:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \
	&& rm -rf /var/lib/apt/lists/* \
	&& ln -s /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/postgres /usr/local/bin/ \
	&& mkdir -p /var/lib/postgresql/data /var/run/postgresql && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data
USER postgres
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
