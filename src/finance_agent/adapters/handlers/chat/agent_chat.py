"""POST /agent/chat  {message, session_id?} -> {session_id, reply, provider, tools_used}

The provider the settings choose answers; its tool calls are routes called as this caller.
Logs carry the message's length, the session id, the provider, the tools and the timing,
never the text of the message or of the reply.
"""

from __future__ import annotations

import time
import uuid

from finance_agent.adapters.chat.providers import get_provider
from finance_agent.adapters.chat.types import ChatRequest
from finance_agent.adapters.http.endpoint import ApiRequest, endpoint
from finance_agent.adapters.http.schemas import ChatBody, ChatReply
from finance_agent.shared.log import logger


@endpoint("agent_chat")
def handler(request: ApiRequest[None, ChatBody]) -> ChatReply:
    body = request.body
    session_id = body.session_id or str(uuid.uuid4())
    provider = get_provider()
    log = logger.bind(
        session_id=session_id, provider=provider.name, message_length=len(body.message)
    )
    started = time.perf_counter()
    try:
        answer = provider.answer(
            ChatRequest(
                message=body.message,
                session_id=session_id,
                identity=request.identity,
                request_id=request.request_id,
            )
        )
    except Exception as exc:
        log.warning(
            "chat failed",
            error=type(exc).__name__,
            chat_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        raise
    log.info(
        "chat answered",
        reply_length=len(answer.reply),
        tools=list(answer.tools_used),
        chat_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    return ChatReply(
        session_id=session_id,
        reply=answer.reply,
        provider=answer.provider,
        tools_used=list(answer.tools_used),
    )
