"""Rule sets: the rule files of a deployment, read, validated and compiled."""
