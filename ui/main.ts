// The web page entry; the components live beside it.
