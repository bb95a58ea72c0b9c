"""Runs librdkafka's mock cluster (a Kafka broker implementation written by librdkafka's authors,
in-process in this Python client) until stdin closes. Prints one JSON line first:
{"bootstrap": "127.0.0.1:port,..."}. Usage: python3 mock-cluster.py <brokers>
"""
import json
import logging
import sys

from confluent_kafka import Producer

brokers = int(sys.argv[1]) if len(sys.argv) > 1 else 3
found = []


class BootstrapCatcher(logging.Handler):
    def emit(self, record):
        message = record.getMessage()
        marker = 'bootstrap.servers='
        if 'Mock cluster' in message and marker in message and not found:
            found.append(message.split(marker, 1)[1].split()[0])


logger = logging.getLogger('mock-cluster')
logger.setLevel(logging.DEBUG)
logger.addHandler(BootstrapCatcher())
# The client exists only to own the mock cluster; its bootstrap.servers is replaced by the mock's.
owner = Producer({'test.mock.num.brokers': brokers, 'bootstrap.servers': 'unused:1', 'debug': 'mock'}, logger=logger)
owner.poll(0)
if not found:
    sys.stderr.write('librdkafka did not report the mock cluster address\n')
    sys.exit(1)
print(json.dumps({'bootstrap': found[0]}), flush=True)
sys.stdin.read()
