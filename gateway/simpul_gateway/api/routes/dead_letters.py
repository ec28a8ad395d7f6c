"""The dead letters (docs/guarantees.md, "When something is in the dead-letter queue"):
listed and inspected without taking them off the queue, and replayed to the queue each came
from. National admins only: a dead letter may concern any kabupaten/kota."""
import logging
from typing import Annotated, Optional

from fastapi import APIRouter, HTTPException, Path, Query, Request

from simpul_common.deadletters import DeadLetters

from ...broker import Unavailable
from ..access import DENIED, within
from ..deps import Admin
from ...schemas.dead_letters import (LETTER_ID_PATTERN, QUEUE_PATTERN, DeadLetterOut,
                                     DeadLetterPage, ReplayIn, ReplayOut)

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1/dead-letters", tags=["dead letters"], responses=DENIED)


def _letters(request: Request) -> DeadLetters:
    return request.app.state.dead_letters


def _broker(call):
    try:
        return call()
    except Exception as exc:   # the broker is down or refused: the caller tries again later
        raise Unavailable(f"dead letters: {type(exc).__name__}") from exc


@router.get("", response_model=DeadLetterPage, summary="Dead letters, oldest first (nothing changes)")
def list_dead_letters(request: Request, who: Admin,
                      queue: Annotated[Optional[str], Query(pattern=QUEUE_PATTERN,
                                                            max_length=100)] = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100):
    within(who, None)
    letters = _letters(request)
    found = _broker(lambda: letters.peek(limit, queue))
    return {"total": _broker(letters.count), "items": [l.view() for l in found]}


@router.get("/{letter_id}", response_model=DeadLetterOut, summary="One dead letter with its body",
            responses={404: {"description": "No such dead letter (or replayed since)"}})
def get_dead_letter(request: Request, who: Admin,
                    letter_id: Annotated[str, Path(pattern=LETTER_ID_PATTERN)]):
    within(who, None)
    letters = _letters(request)
    letter = _broker(lambda: letters.find(letter_id))
    if letter is None:
        raise HTTPException(404, detail=f"dead letter {letter_id} tidak ada")
    return letter.view(with_body=True)


@router.post("/replay", response_model=ReplayOut,
             summary="Send dead letters back to the queue each came from, with fresh retries")
def replay_dead_letters(request: Request, body: ReplayIn, who: Admin):
    within(who, None)
    letters = _letters(request)
    done = _broker(lambda: letters.replay(None if body.all else body.ids, body.queue))
    log.info("dead letters replayed by %s (%s): %d", who.id, who.role, done["replayed"])
    return done
