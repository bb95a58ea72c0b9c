"""Produces numbered records with confluent-kafka-python (librdkafka) and prints what its delivery
reports said, one JSON object per record: {"error", "partition", "offset", "key"}.

Usage: confluent_producer.py <bootstrap> <topic> <compression.type> <count>
The producer is idempotent (enable.idempotence=true, so acks=all and InitProducerId), places
keys by murmur2 as the Java client does (partitioner murmur2_random), lingers
20 ms so records share batches, and sends each record with a key and a header.
"""
import json
import sys

from confluent_kafka import Producer

bootstrap, topic, compression, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
producer = Producer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': True,
    'compression.type': compression,
    'linger.ms': 20,
    'partitioner': 'murmur2_random',
    'message.timeout.ms': 15000,
})
reports = []


def delivered(err, msg):
    reports.append({
        'error': None if err is None else str(err),
        'partition': msg.partition(),
        'offset': msg.offset(),
        'key': msg.key().decode(),
    })


for i in range(count):
    producer.produce(topic, key=f'key-{i}', value=f'{compression} record {i} ' * 8,
                     headers=[('seq', str(i).encode())], on_delivery=delivered)
    producer.poll(0)
remaining = producer.flush(15)
if remaining:
    sys.exit(f'{remaining} records were not delivered within 15 s')
print(json.dumps(reports))
