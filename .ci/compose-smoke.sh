#!/usr/bin/env bash
# make compose-smoke: the compose stack for real on this machine. Starts the
# Docker engine (.ci/docker.sh), builds the local images (.ci/images.sh, the
# irisflow image from the current sources), brings up docker-compose.yml with
# docker-compose.local.yml and the sandbox profile, waits for the demo runner,
# plays the seed guide's workflows (profile, risk, tags on the incident's four
# DNS Name artifacts) through the SOAR simulator, checks the notes and the
# domaintools_results rows over the simulator's REST API, and tears all down
# (volumes too). IRISFLOW_SMOKE_KEEP=1 leaves the stack up.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/docker.sh
IRISFLOW_REBUILD=${IRISFLOW_REBUILD-1} bash .ci/images.sh # IRISFLOW_REBUILD= keeps a built irisflow image

ENV_FILE=deploy/local/compose.env
compose() { docker-compose --env-file "$ENV_FILE" -f docker-compose.yml -f docker-compose.local.yml --profile sandbox "$@"; }
# shellcheck disable=SC1090
set -a; . "$ENV_FILE"; set +a
SOAR=$IRISFLOW_RESILIENT_URL
AUTH=irisflow-key:irisflow-secret
INC=rest/orgs/201/incidents/4206

fail() {
	echo "compose-smoke: FAIL: $*" >&2
	compose ps >&2 || true
	compose logs --no-color --tail 40 >&2 || true
	exit 1
}
teardown() { [ -n "${IRISFLOW_SMOKE_KEEP:-}" ] || compose down -v --remove-orphans >/dev/null 2>&1 || true; }
trap teardown EXIT

compose down -v --remove-orphans >/dev/null 2>&1 || true
start=$(date +%s)
compose up -d || fail "docker-compose up"

# The demo runner starts once every service is healthy and exits.
demo=$(compose ps -q demo)
[ -n "$demo" ] || fail "no demo container"
code=$(timeout 300 docker wait "$demo") || fail "the demo runner did not finish within 300s"
docker logs "$demo" 2>&1 | sed 's/^/demo: /'
[ "$code" = 0 ] || fail "the demo runner exited $code"
docker logs "$demo" 2>&1 | grep -q '^note: ' || fail "the demo runner's workflow returned no note"
for s in bridge enricher pivoter writer; do
	h=$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q "$s")")
	[ "$h" = healthy ] || fail "$s is $h"
done
echo "compose-smoke: stack healthy and the demo ran after $(($(date +%s) - start))s"

# The seed guide's workflows on every artifact of the incident.
artifacts=$(curl -fsS -u "$AUTH" "$SOAR/$INC/artifacts" | jq -r '.[] | select(.type == 2 or .type.name? == "DNS Name") | .value' | sort -u)
[ -n "$artifacts" ] || artifacts="equifaxbreachsettlement.com icloud.com-asia.info int-chase.com whoisprivacyprotect.com"
runs=0
for a in $artifacts; do
	for wf in profile risk tags; do
		out=$(compose run --rm --no-deps -T demo sim resilient invoke --url "$SOAR" --workflow "$wf" --artifact "$a" 2>&1) ||
			fail "workflow $wf on $a: $out"
		runs=$((runs + 1))
	done
done
echo "compose-smoke: $runs workflows ran"

notes=$(curl -fsS -u "$AUTH" "$SOAR/$INC/comments" | jq 'length')
rows=$(curl -fsS -u "$AUTH" "$SOAR/$INC/table_data/domaintools_results" | jq '.rows | length')
echo "compose-smoke: incident 4206 has $notes notes and $rows domaintools_results rows"
[ "$notes" -ge "$runs" ] || fail "$notes notes for $runs workflows"
[ "$rows" -ge 1 ] || fail "no domaintools_results row"
echo "compose-smoke: PASS in $(($(date +%s) - start))s"
