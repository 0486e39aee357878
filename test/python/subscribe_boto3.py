"""boto3 (botocore, HTTP/1.1 chunked) consumer for test/fanout-boto3.test.ts.

Subscribes TRIM_HORIZON, reads until the server ends the subscription (its lifetime is shortened
by the test), re-subscribes with AFTER_SEQUENCE_NUMBER and the last ContinuationSequenceNumber,
and prints one JSON line with every record's data in the order received.
"""
import json
import sys
import time

import boto3
from botocore.config import Config

endpoint, consumer_arn, shard_id, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = boto3.client(
    "kinesis",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDEXAMPLE",
    aws_secret_access_key="secret",
    config=Config(retries={"max_attempts": 1}),
)

got = []
subscriptions = 0
position = {"Type": "TRIM_HORIZON"}
deadline = time.time() + 60
while len(got) < expected and time.time() < deadline:
    subscriptions += 1
    response = client.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id, StartingPosition=position)
    continuation = None
    for event in response["EventStream"]:
        e = event["SubscribeToShardEvent"]
        got.extend(r["Data"].decode() for r in e["Records"])
        continuation = e["ContinuationSequenceNumber"]
        if len(got) >= expected:
            break
    if continuation:
        position = {"Type": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": continuation}
    time.sleep(0.05)

print(json.dumps({"records": got, "subscriptions": subscriptions}))
