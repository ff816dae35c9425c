#!/usr/bin/env bash
# Installs (if missing) and starts a local Apache ActiveMQ for the irisflow
# tests: STOMP on 127.0.0.1:61613, OpenWire on 127.0.0.1:61616, no auth.
# Idempotent: does nothing but wait when the broker already listens.
# Runs as root, without systemd. Tests find it via IRISFLOW_TEST_ACTIVEMQ_URL
# (default stomp://127.0.0.1:61613).
set -euo pipefail

INSTANCE=irisflow
STOMP_PORT=61613
OPENWIRE_PORT=61616
WAIT_SECONDS=${ACTIVEMQ_WAIT_SECONDS:-90}
CONF_DIR=/etc/activemq/instances-available/$INSTANCE
BASE_DIR=/var/lib/activemq/$INSTANCE
LOG=$BASE_DIR/activemq-start.log
JAVA_OUT=$BASE_DIR/activemq.out

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$STOMP_PORT") 2>/dev/null; }

if listening; then
	echo "activemq: STOMP already listening on 127.0.0.1:$STOMP_PORT"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "activemq: run this script as root (it installs and starts ActiveMQ)" >&2
	exit 1
fi

if ! dpkg -s activemq >/dev/null 2>&1; then
	echo "activemq: installing the Debian package"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y activemq
fi

mkdir -p "$CONF_DIR" "$BASE_DIR/data" "$BASE_DIR/tmp"
cat >"$CONF_DIR/activemq.xml" <<EOF
<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"/>
  <broker xmlns="http://activemq.apache.org/schema/core" brokerName="irisflow-test" useJmx="false"
          persistent="true" dataDirectory="$BASE_DIR/data" schedulePeriodForDestinationPurge="60000">
    <destinationPolicy>
      <policyMap><policyEntries>
        <!-- test queues have unique names; drop them once idle and empty -->
        <policyEntry queue=">" gcInactiveDestinations="true" inactiveTimoutBeforeGC="300000"/>
      </policyEntries></policyMap>
    </destinationPolicy>
    <persistenceAdapter><kahaDB directory="$BASE_DIR/data/kahadb"/></persistenceAdapter>
    <systemUsage><systemUsage>
      <memoryUsage><memoryUsage limit="128 mb"/></memoryUsage>
      <storeUsage><storeUsage limit="2 gb"/></storeUsage>
      <tempUsage><tempUsage limit="1 gb"/></tempUsage>
    </systemUsage></systemUsage>
    <transportConnectors>
      <transportConnector name="openwire" uri="tcp://127.0.0.1:$OPENWIRE_PORT"/>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:$STOMP_PORT?transport.closeAsync=false"/>
    </transportConnectors>
  </broker>
</beans>
EOF
cp -n /etc/activemq/instances-available/main/log4j2.properties "$CONF_DIR/" 2>/dev/null || true
cat >"$CONF_DIR/options" <<EOF
ACTIVEMQ_BASE="$BASE_DIR"
ACTIVEMQ_OPTS="-Xms128M -Xmx384M"
EOF
ln -sfn "$CONF_DIR" "/etc/activemq/instances-enabled/$INSTANCE"
touch "$JAVA_OUT"
if id activemq >/dev/null 2>&1; then chown -R activemq: "$BASE_DIR"; fi

echo "activemq: starting instance $INSTANCE (log: $LOG)"
(
	export INSTANCE ACTIVEMQ_HOME=/usr/share/activemq ACTIVEMQ_CONFIG_DIR="$CONF_DIR" \
		ACTIVEMQ_CONF="$CONF_DIR" ACTIVEMQ_BASE="$BASE_DIR" ACTIVEMQ_DATA="$BASE_DIR/data" \
		ACTIVEMQ_TMP="$BASE_DIR/tmp" ACTIVEMQ_PIDFILE="$BASE_DIR/activemq.pid" ACTIVEMQ_OUT="$JAVA_OUT" \
		ACTIVEMQ_OPTS_MEMORY="-Xms128M -Xmx384M"
	cd "$CONF_DIR"
	nohup /usr/bin/activemq start xbean:activemq.xml >>"$LOG" 2>&1 </dev/null &
)

for ((i = 0; i < WAIT_SECONDS; i++)); do
	if listening; then
		echo "activemq: STOMP listening on 127.0.0.1:$STOMP_PORT after ${i}s"
		exit 0
	fi
	sleep 1
done
echo "activemq: STOMP did not listen on 127.0.0.1:$STOMP_PORT within ${WAIT_SECONDS}s; see $LOG and $JAVA_OUT" >&2
tail -n 30 "$LOG" "$JAVA_OUT" >&2 || true
exit 1
