"""A Redwood-style peer for bench/peer.ts: asyncio + httpx (the openai SDK's own transport), N chat
requests at concurrency C against an OpenAI-format server, results written to a JSONL file at the end.
Like the minimal notebook it stands for, it keeps no cache between runs: a re-run sends everything again.
Usage: /usr/bin/python3 bench/peer_runner.py <base_url> <n> <concurrency> <out.jsonl>   (Debian's python3-httpx)
Written for af-lab; no code or prompt text taken from elsewhere."""
import asyncio
import json
import sys

import httpx

SYSTEM = "You are a helpful assistant. (af-lab benchmark placeholder system prompt.)"


async def main(base_url: str, n: int, concurrency: int, out: str) -> None:
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120.0, headers={"Authorization": "Bearer sk-peer-not-a-key"}) as client:

        async def one(i: int, tier: str) -> dict:
            async with gate:
                body = {
                    "model": "bench-model",
                    "messages": [
                        {"role": "system", "content": SYSTEM},
                        {"role": "user", "content": f"<is_free_tier_user>{'true' if tier == 'free' else 'false'}</is_free_tier_user> request {i}"},
                    ],
                    "temperature": 1.0,
                    "max_tokens": 4000,
                }
                response = await client.post("/chat/completions", json=body)
                response.raise_for_status()
                return {"request": i, "tier": tier, "text": response.json()["choices"][0]["message"]["content"]}

        results = await asyncio.gather(*(one(i // 2, "free" if i % 2 == 0 else "paid") for i in range(n)))
    with open(out, "w") as f:
        for result in results:
            f.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
