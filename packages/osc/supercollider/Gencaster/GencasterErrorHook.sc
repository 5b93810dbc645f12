// Uncaught errors end in Nil:handleError (the parent of the outermost thread is nil). This extension
// method keeps its behaviour (post the error, halt) and first hands the error to GencasterServer,
// which forwards it to the backend via /log. sclang reports it among "overwritten methods".

+ Nil {
	handleError { arg error;
		GencasterServer.forwardUncaughtError(error);
		Error.handling = true;
		if(Error.debug) { { error.inspect }.defer } { error.reportError };
		Error.handling = false;
		this.halt;
	}
}
