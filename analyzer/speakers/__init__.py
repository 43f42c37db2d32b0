"""Who spoke when (:mod:`analyzer.speakers.diarize`), and who is the interviewer and who the candidate (:mod:`analyzer.speakers.roles`)."""
