#!/usr/bin/env bash
# The peer: Simon Willison's `llm` CLI doing the three tasks of a brief for every document
# of a folder, the plain way: one call per task, the task as the system prompt, the
# document on standard input. Used by bench/peer.py; runnable on its own:
#   LLM_USER_PATH=... bash bench/peer.sh LLM_BINARY MODEL_ID DOCUMENTS_DIR OUTPUT_DIR
set -euo pipefail
llm=$1 model=$2 documents=$3 output=$4
mkdir -p "$output"

summary="Summarise the document the user sends in English, in 3 to 5 sentences of plain prose: the main event, who was involved, when and where, and the key figures."
translation="Translate the document the user sends into English, completely and faithfully, paragraph by paragraph. Keep every name, number, amount and date. Write only the translation."
facts="List up to 8 key facts stated in the document the user sends, in English, one per line: who did what, when, where, and how many. After each fact, quote the sentence of the document that states it."

for path in "$documents"/*.txt; do
  name=$(basename "$path" .txt)
  for task in summary translation facts; do
    "$llm" -m "$model" -o temperature 0 -o max_tokens 2048 -s "${!task}" < "$path" > "$output/$name.$task.md"
  done
done
