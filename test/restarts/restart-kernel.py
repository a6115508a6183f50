"""Start the tslab kernel once, then restart it N times through jupyter_client, the library the
Jupyter server itself restarts kernels with (same ports, clients that stay connected).

After every start the client queues an execute_request at once, as "Restart & Run All" does, and
waits for its reply. One JSON line per start on stdout: {"start": i, "ok": bool, ...}; a start whose
reply does not come within --timeout seconds is a hang: the kernel is killed and started afresh.
"""
import argparse
import json
import time

from jupyter_client import KernelManager

parser = argparse.ArgumentParser()
parser.add_argument("--restarts", type=int, required=True)
parser.add_argument("--timeout", type=float, required=True)
parser.add_argument("--kernel-name", required=True, help="a kernelspec on JUPYTER_PATH")
parser.add_argument("--cwd", required=True)
args = parser.parse_args()

manager = KernelManager(kernel_name=args.kernel_name)
manager.start_kernel(cwd=args.cwd)
client = manager.client()
client.start_channels()


def reply_to(msg_id, deadline):
    while True:
        reply = client.get_shell_msg(timeout=max(0.1, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


for start in range(args.restarts + 1):
    began = time.time()
    if start > 0:
        manager.restart_kernel(now=False)
    try:
        # Queued before the new kernel has bound its ports: delivered the moment it has.
        msg_id = client.execute("6 * 7")
        reply = reply_to(msg_id, began + args.timeout)
        line = {"start": start, "ok": reply["content"]["status"] == "ok"}
    except Exception as err:  # queue.Empty on a hang
        line = {"start": start, "ok": False, "error": type(err).__name__}
        manager.restart_kernel(now=True)
    line["seconds"] = round(time.time() - began, 2)
    print(json.dumps(line), flush=True)

client.stop_channels()
manager.shutdown_kernel(now=True)
