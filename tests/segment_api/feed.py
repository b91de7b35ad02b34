"""A consumer of a segment's change feed, as a client would write one."""

import httpx


class Feed:
    """Polls a segment's change feed after its cursor and replays it onto the members it started with;
    fails on a change out of order, repeated, or contradicting what it holds (a missed one)."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str], url: str, members: set[str]):
        """`url`: the segment's; `members`: what it holds before the first change the feed gives."""
        self.client, self.headers, self.url = client, headers, url
        self.members, self.cursor, self.seen = set(members), 0, 0

    async def poll(self) -> None:
        while True:
            page = (
                await self.client.get(
                    f"{self.url}changes/", params={"cursor": self.cursor}, headers=self.headers
                )
            ).json()
            ids = [change["id"] for change in page["live"]]
            assert ids == sorted(set(ids)) and all(change_id > self.cursor for change_id in ids)
            for change in page["live"]:
                assert (change["sku"] in self.members) == (change["change"] == "exited"), change
                (self.members.add if change["change"] == "entered" else self.members.discard)(change["sku"])
            self.seen += len(ids)
            self.cursor = page["next_cursor"]
            if not ids:  # read to the end
                return
