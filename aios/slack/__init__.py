"""aios in Slack: a slack-bolt app over the one assistant (``aios slack``)."""
