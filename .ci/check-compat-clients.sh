#!/bin/sh
# The Kafka clients that the `*.compat.spec.ts` suites drive and npm does not bring: kcat (librdkafka),
# kafka-python and confluent-kafka-python, the last two for the system interpreter /usr/bin/python3,
# etcd (Debian's etcd-server), which the cluster suites keep their metadata in, and chromium, the
# browser the console's browser suites drive.
# Exits 0 when all are there; otherwise names what is missing and the one line that installs them.
missing=''
command -v kcat >/dev/null 2>&1 || missing="$missing kcat"
/usr/bin/python3 -c 'import kafka' >/dev/null 2>&1 || missing="$missing kafka-python"
/usr/bin/python3 -c 'import confluent_kafka' >/dev/null 2>&1 || missing="$missing confluent-kafka-python"
command -v etcd >/dev/null 2>&1 || missing="$missing etcd"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
if [ -n "$missing" ]; then
  echo "test:compat needs clients and servers that are not installed:$missing. Install them with:" >&2
  echo "  apt-get install -y kcat python3-kafka python3-confluent-kafka etcd-server chromium" >&2
  exit 1
fi
