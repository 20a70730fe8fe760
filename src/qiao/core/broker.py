"""The embedded broker (settings `BROKER_URL = "filesystem://"`): kombu's filesystem transport,
with every message written whole before a worker can see it.

kombu writes a message straight under its final file name, and a worker polling the folder may
move and read the file before the write has finished: it reads an empty message and stops with
"Unrecoverable error: JSONDecodeError" (seen once in CI, tests/core/test_celery.py). Here the
message is written under a name no worker picks up (a `.partial` suffix: workers take the files
ending in `.<queue>.msg`) and then renamed, which is atomic within one folder: a worker sees
nothing or all of it."""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # kombu's name: the time first, so that a sorted listing gives the messages in order.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = f"{final}.partial"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
