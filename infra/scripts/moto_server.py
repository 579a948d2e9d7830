"""moto's server, one request at a time.

moto's DynamoDB is not safe under concurrent requests: a transaction whose condition
fails restores a snapshot taken before it ran, silently undoing a transaction that
committed meanwhile. Real DynamoDB never does that, and our concurrency tests depend on
transactions being atomic. Serialising requests through one lock restores those
semantics; the local stack is small enough not to notice the cost.

moto also snapshots a table for rollback once per *item* of a transaction (a deep copy of
the whole table each time, all taken before any item is applied, so all equal). On a
table of a few thousand items a 10-item transaction then copies tens of thousands of
items. `one_snapshot_per_transaction` keeps moto's rollback exactly as it is but takes
that copy once per table per transaction.

A rollback also replaces the table's stream shard with a copy, which leaves stream
readers behind for good; `streams_survive_rollback` keeps the live shard.

And moto keeps every stream record and every shard iterator it ever handed out, so a
server left running grows without end (and each rollback snapshot copies every record);
`streams_stay_bounded` forgets what a reader has passed, as DynamoDB's 24-hour trim and
15-minute iterator expiry do.
"""

import argparse
import copy
import io
import os
import signal
import sys
import threading

import moto.dynamodb.models as dynamodb_models
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


class OneAtATime:
    """WSGI middleware: the wrapped application handles one request at a time."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        # The body is read before the lock is taken: a client that sends its bytes
        # slowly, or fewer than it declared, must not hold up every other request.
        stream = environ.get("wsgi.input")
        if stream is not None:
            length = environ.get("CONTENT_LENGTH") or ""
            if length.isdigit():
                body = stream.read(int(length))
            elif environ.get("wsgi.input_terminated"):
                body = stream.read()
            else:
                body = b""
            environ["wsgi.input"] = io.BytesIO(body)
        with self.lock:
            # Materialise the body inside the lock: moto builds responses eagerly, but
            # an iterable consumed later would escape the lock.
            return list(self.app(environ, start_response))


class _SnapshotOnce:
    """Stands in for the `copy` module inside moto's DynamoDB backend: during a
    transaction, deep copies of the same table are taken once and shared."""

    def __init__(self, table_type):
        self.table_type = table_type
        self.tables = None

    def deepcopy(self, obj, memo=None):
        if self.tables is not None and isinstance(obj, self.table_type):
            if id(obj) not in self.tables:
                self.tables[id(obj)] = copy.deepcopy(obj)
            return self.tables[id(obj)]
        return copy.deepcopy(obj, memo)

    def __getattr__(self, name):
        return getattr(copy, name)


def one_snapshot_per_transaction() -> None:
    # An optimisation over moto's internals as of moto 5: where a later moto moved them,
    # run moto as it is (slower transactions, same behaviour).
    try:
        from moto.dynamodb.models.table import Table
    except ImportError:
        return
    if not hasattr(dynamodb_models, "copy") or not hasattr(
        dynamodb_models.DynamoDBBackend, "transact_write_items"
    ):
        return
    shim = _SnapshotOnce(Table)
    dynamodb_models.copy = shim
    original = dynamodb_models.DynamoDBBackend.transact_write_items

    def transact_write_items(self, transact_items):
        shim.tables = {}
        try:
            return original(self, transact_items)
        finally:
            shim.tables = None

    dynamodb_models.DynamoDBBackend.transact_write_items = transact_write_items


def streams_survive_rollback() -> None:
    """A transaction moto rolls back puts a deep copy of the table in its place, and the
    copy carries a copy of the stream shard. A stream reader holds the live shard: it
    would read the rolled-back transaction's records (which real DynamoDB never emits)
    and then nothing ever again, while writes land in the copy's shard. After a rollback
    the live shard is kept, cut back to what it held before the transaction, and handed
    to the restored table."""
    backend = dynamodb_models.DynamoDBBackend
    if not hasattr(backend, "transact_write_items"):
        return
    original = backend.transact_write_items

    def transact_write_items(self, transact_items):
        before = dict(self.tables)
        try:
            return original(self, transact_items)
        finally:
            for name, table in before.items():
                restored = self.tables.get(name)
                if restored is None or restored is table:
                    continue
                live = getattr(table, "stream_shard", None)
                kept = getattr(restored, "stream_shard", None)
                if live is None or kept is None:
                    continue
                del live.items[len(kept.items):]
                live.table = restored
                restored.stream_shard = live

    backend.transact_write_items = transact_write_items


# Records kept behind the furthest a reader has read, for a second, slower reader.
STREAM_RECORDS_KEPT = 1000


def streams_stay_bounded() -> None:
    """A shard iterator is forgotten once it has been read (each read hands out the next
    one; the local poller asks for a fresh one after an error), and a shard drops its
    records more than `STREAM_RECORDS_KEPT` behind the position being read. An iterator
    older than what is kept reads from the oldest record kept."""
    try:
        from moto.dynamodb.models.table import StreamShard
        from moto.dynamodbstreams.models import ShardIterator
    except ImportError:
        return
    if not hasattr(StreamShard, "get") or not hasattr(ShardIterator, "get"):
        return
    iterator_get = ShardIterator.get
    shard_get = StreamShard.get

    def read_once(self, limit=1000):
        self.streams_backend.shard_iterators.pop(self.arn, None)
        return iterator_get(self, limit)

    def read_and_trim(self, start, quantity):
        passed = start - self.starting_sequence_number - STREAM_RECORDS_KEPT
        if passed > 0:
            del self.items[:passed]
            self.starting_sequence_number += passed
        return shard_get(self, max(start, self.starting_sequence_number), quantity)

    ShardIterator.get = read_once
    StreamShard.get = read_and_trim


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    one_snapshot_per_transaction()
    streams_survive_rollback()
    streams_stay_bounded()
    app = OneAtATime(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True)


if __name__ == "__main__":
    main()
