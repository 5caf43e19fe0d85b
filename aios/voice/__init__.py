"""The voice front end: speech-to-text and text-to-speech engines behind one interface, and the
routes and page that put them in front of the same assistant as every other channel."""
