#!/usr/bin/env bash
# Synthetic adult speech for the detection bench and tests (said to be synthetic):
# espeak-ng (Debian 1.51) in six voices and pitches, half of them high (-p 90..99) like
# infant-directed speech, four phrases each, 16 kHz mono WAV.
set -euo pipefail
cd "$(dirname "$0")/speech"
i=0
for v in "en+f3:99" "en-us+f2:99" "en+f4:90" "en+f3:50" "en:50" "en-us:40"; do
  voice=${v%%:*}; p=${v##*:}
  for t in "Hello sweetie, are you hungry?" "Oh look at you, what a big smile!" \
           "Yes, I know, I know." "Shall we have a bottle now?"; do
    i=$((i+1))
    espeak-ng -v "$voice" -p "$p" -s 150 -w /tmp/attune-speech.wav "$t"
    ffmpeg -loglevel error -y -i /tmp/attune-speech.wav -ar 16000 -ac 1 -c:a pcm_s16le \
      "$(printf %02d $i)_${voice/+/_}_p$p.wav"
  done
done
