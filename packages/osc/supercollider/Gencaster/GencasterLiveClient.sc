// GencasterLiveClient: for performers live coding from their own sclang. Sends code or speech to
// the stream points of a Gencaster backend as /remote/action (protocol "0.1"): to all points
// (target nil), to the points of one Janus room (an Integer) or to one point by name (a String).
//
//   c = GencasterLiveClient("127.0.0.1", 7000, password: "helloSC", secret: "shared-secret");
//   c.send("Ndef(\\drone, { SinOsc.ar(220) * 0.1 }).play");   // all stream points
//   c.send("s.freeAll", 3);                                   // Janus room 3
//   c.speak("Hallo Welt", "pointA");                          // one point, by name
//   c.broadcast; … c.clear;   // send every snippet evaluated locally to `targets` as well

GencasterLiveClient {
	var <backend, <>password, <signer, <>targets;

	*new { |host = "127.0.0.1", port = 7000, password = "", secret|
		^super.new.init(host, port, password, secret)
	}

	init { |host, port, argPassword, secret|
		backend = NetAddr(host, port);
		password = argPassword;
		signer = if(secret.notNil) { GencasterHmac(secret) };
		targets = [nil];
	}

	// Sends one remote action; action is \code or \speak.
	action { |action, cmd, target|
		var pairs = ["protocol_version", GencasterServer.protocolVersion, "action", action.asString,
			"password", password.asString, "cmd", cmd.asString];
		if(target.notNil) { pairs = pairs ++ ["target", target.asString] };
		if(signer.notNil) { pairs = signer.signPairs('/remote/action', pairs) };
		backend.sendMsg('/remote/action', *pairs);
	}

	// Runs sclang code on the target stream points (nil = all).
	send { |code, target| this.action(\code, code, target) }

	// Speaks text (Gencaster markdown) on the target stream points (nil = all).
	speak { |text, target| this.action(\speak, text, target) }

	// Sends every snippet evaluated in this sclang to each of `targets` (nil entry = all points).
	broadcast {
		thisProcess.interpreter.codeDump = { |code| targets.do { |target| this.send(code, target) } };
	}

	// Stops broadcasting.
	clear { thisProcess.interpreter.codeDump = nil }
}
