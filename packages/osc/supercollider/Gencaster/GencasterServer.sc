// GencasterServer: one stream point of Gencaster (TypeScript rebuild), OSC protocol "0.1".
//
// Boots scsynth on a named JACK server, announces itself to the backend with a /beacon every 5 s,
// runs sclang code received as /instruction inside a Routine and acknowledges it (RECEIVED, then
// FINISHED with the result's compile string or FAILURE with the error text), plays buffers, keeps
// stream variables as *data* (/variable key value) and forwards its own log lines via /log.
// All configuration comes from environment variables: see stream-point.scd for the contract.
//
// With a secret (GENCASTER_OSC_SECRET) everything it sends is signed, and /instruction, /variable
// and /gencaster/quit are run only when signed by the backend: HMAC-SHA256 (GencasterHmac) over
// the arguments plus ts and nonce, ts within `replayWindow` seconds of now, each nonce once.
// Every start gets a random bootId, sent in each beacon (boot_id): the backend fails the
// instructions the previous interpreter left open. Until scsynth is up the beacon says BOOTING.

GencasterServer {
	classvar <>default;
	classvar <protocolVersion = "0.1";

	var <name, <synthPort, <jackServer, <janusOutPort, <janusInPort, <janusOutRoom, <janusInRoom;
	var <janusPublicIp, <useInput, <backendHost, <backendPort, <bindAddress, <>verbosity;
	// HTTP API URL of this point's Janus, beaconed as janus_http_url (several sound hosts).
	var <>janusHttpUrl;
	var <backend, <signer, <server, <beacon, <environment, <variables;
	var <playbacks, nextPlaybackId = 0, <running, receivers, forwardingError = false;
	var seenInstructions, seenOrder;
	// Random id of this sclang start; nonces of accepted signed messages (nonce -> expiry time).
	var <bootId, <ready = false, seenNonces, <>replayWindow = 30, refusals = 0, refusalsLogged = 0;
	// cleanup runs CmdPeriod itself; keys of topEnvironment that were there before any story
	var resetting = false, baseEnvironmentKeys;

	*new { |name, synthPort, jackServer, janusOutPort, janusInPort, janusOutRoom, janusInRoom,
		janusPublicIp, useInput, backendHost, backendPort, secret, bindAddress, verbosity|
		^super.new.init(name, synthPort, jackServer, janusOutPort, janusInPort, janusOutRoom,
			janusInRoom, janusPublicIp, useInput, backendHost, backendPort, secret, bindAddress, verbosity)
	}

	// Builds a server from the environment variables documented in stream-point.scd.
	*fromEnvironment {
		^this.new(
			this.envString("SC_NAME", "GENCASTER_LOCAL"),
			this.envInt("SC_SYNTH_PORT", 57110),
			this.envString("SC_JACK_SERVER"),
			this.envInt("JANUS_OUT_PORT"),
			this.envInt("JANUS_IN_PORT"),
			this.envInt("JANUS_OUT_ROOM"),
			this.envInt("JANUS_IN_ROOM"),
			this.envString("JANUS_PUBLIC_IP"),
			this.envBool("SUPERCOLLIDER_USE_INPUT", false),
			this.envString("BACKEND_OSC_HOST", "127.0.0.1"),
			this.envInt("BACKEND_OSC_PORT", 7000),
			this.envString("GENCASTER_OSC_SECRET"),
			this.envString("SC_BIND_ADDRESS", "127.0.0.1"),
			this.envInt("SC_VERBOSITY", 20)
		).janusHttpUrl_(this.envString("JANUS_HTTP_URL"))
	}

	// An environment variable, or `default` when it is unset or empty.
	*envString { |key, default|
		var value = key.getenv;
		^if(value.isNil or: { value.isEmpty }) { default } { value }
	}

	// An integer environment variable; unset, empty or non-numeric values give `default`.
	*envInt { |key, default|
		var value = this.envString(key);
		^if(value.notNil and: { "^-?[0-9]+$".matchRegexp(value) }) { value.asInteger } { default }
	}

	// A boolean environment variable: 1/true/yes/on (any case) are true, 0/false/no/off false.
	*envBool { |key, default = false|
		var value = this.envString(key);
		if(value.isNil) { ^default };
		value = value.toLower;
		if(["1", "true", "yes", "on"].includesEqual(value)) { ^true };
		if(["0", "false", "no", "off"].includesEqual(value)) { ^false };
		^default
	}

	init { |argName, argSynthPort, argJackServer, argJanusOutPort, argJanusInPort, argJanusOutRoom,
		argJanusInRoom, argJanusPublicIp, argUseInput, argBackendHost, argBackendPort, argSecret,
		argBindAddress, argVerbosity|
		name = argName ? "GENCASTER_LOCAL";
		synthPort = argSynthPort ? 57110;
		jackServer = argJackServer;
		janusOutPort = argJanusOutPort;
		janusInPort = argJanusInPort;
		janusOutRoom = argJanusOutRoom;
		janusInRoom = argJanusInRoom;
		janusPublicIp = argJanusPublicIp;
		useInput = argUseInput ? false;
		backendHost = argBackendHost ? "127.0.0.1";
		backendPort = argBackendPort ? 7000;
		bindAddress = argBindAddress ? "127.0.0.1";
		verbosity = argVerbosity ? 20;
		signer = if(argSecret.notNil) { GencasterHmac(argSecret) };
		bootId = [thisProcess.pid, Date.getDate.rawSeconds.floor.asInteger, Date.seed.abs, 2147483647.rand].join("-");
		seenNonces = Dictionary.new;
		backend = NetAddr(backendHost, backendPort);
		variables = Dictionary.new;
		playbacks = IdentityDictionary.new;
		running = Dictionary.new;
		seenInstructions = Set.new;
		seenOrder = List.new;
		receivers = List.new;
		environment = (gencaster: this, variables: variables);
		default = this;
		baseEnvironmentKeys = topEnvironment.keys.copy;
		this.addReceivers;
		CmdPeriod.add(this);
	}

	// The beacon payload; nil values (unset Janus keys) are left out.
	serverInfo {
		^(
			name: name, synth_port: synthPort, lang_port: NetAddr.langPort,
			janus_out_port: janusOutPort, janus_in_port: janusInPort,
			janus_out_room: janusOutRoom, janus_in_room: janusInRoom,
			janus_public_ip: janusPublicIp, janus_http_url: janusHttpUrl, use_input: useInput.binaryValue,
			osc_backend_host: backendHost, osc_backend_port: backendPort, boot_id: bootId
		)
	}

	// Sends a flat key/value list, signed with the shared secret when one is configured.
	sendPairs { |address, pairs|
		var args = pairs.collect { |item| if(item.isKindOf(Symbol)) { item.asString } { item } };
		if(signer.notNil) { args = signer.signPairs(address, args) };
		backend.sendMsg(address, *args);
	}

	// Acknowledges an instruction: status is RECEIVED, FINISHED or FAILURE.
	sendAck { |uuid, status, returnValue|
		var pairs = [\uuid, uuid.asString, \status, status.asString];
		if(returnValue.notNil) { pairs = pairs ++ [\return_value, returnValue.asString.keep(8000)] };
		this.sendPairs('/acknowledge', pairs);
	}

	// Announces this stream point to the backend: status BEACON when ready, BOOTING before.
	sendBeacon {
		this.sendPairs('/beacon', this.serverInfo.getPairs ++ [\uuid, "0", \status, if(ready) { "BEACON" } { "BOOTING" }]);
	}

	// Forwards a log line to the backend (levels as in Python logging: 10 debug … 40 error).
	log { |level, message|
		var text = message.asString.keep(8000);
		if(level >= verbosity) { "[gencaster %] %".format(level, text).postln };
		this.sendPairs('/log', [\level, level.asInteger, \message, text, \name, name]);
	}

	// Called for every error nobody caught (scheduled functions, OSC responders, Ndefs …), see
	// GencasterErrorHook.sc; sends it to the backend via /log, guarded against recursion.
	*forwardUncaughtError { |error|
		if(default.notNil) { default.prForwardError(error) }
	}

	prForwardError { |error|
		if(forwardingError.not) {
			forwardingError = true;
			{ this.log(40, "uncaught " ++ error.errorString) }.try;
			forwardingError = false;
		}
	}

	// Only the backend host (or loopback) may send instructions and variables.
	acceptsFrom { |addr|
		var ip = addr.ip;
		^ip == "127.0.0.1" or: { ip == backendHost }
	}

	// The arguments of a message from the backend (blobs as Strings), or nil when it is refused:
	// with a secret the last three arguments must be ts, an unseen nonce and a valid hmac over the
	// `count` arguments before them plus ts and nonce; without one the message is taken as it is.
	verifiedArgs { |msg, addr, count|
		var args = msg.drop(1).collect { |item| if(item.isKindOf(Int8Array) or: { item.isKindOf(Symbol) }) { this.class.oscText(item) } { item } };
		var fields, ts, nonce, hmac, now;
		if(this.acceptsFrom(addr).not) { ^this.prRefuse(msg[0], addr, "sender not allowed") };
		if(signer.isNil) { ^args };
		if(args.size != (count + 3)) { ^this.prRefuse(msg[0], addr, "unsigned") };
		fields = args.keep(count + 2);
		ts = args[count].asString;
		nonce = args[count + 1].asString;
		hmac = args[count + 2].asString;
		now = Date.getDate.rawSeconds;
		if("^[0-9]{1,12}$".matchRegexp(ts).not or: { (ts.asFloat - now).abs > replayWindow }) {
			^this.prRefuse(msg[0], addr, "timestamp outside the replay window")
		};
		if(nonce.size < 8 or: { nonce.size > 64 }) { ^this.prRefuse(msg[0], addr, "bad nonce") };
		this.prForgetNonces(now);
		if(seenNonces[nonce].notNil) { ^this.prRefuse(msg[0], addr, "replayed") };
		if(signer.verifyFields(msg[0], fields, hmac).not) { ^this.prRefuse(msg[0], addr, "bad hmac") };
		seenNonces.put(nonce, now + (2 * replayWindow));
		^args.keep(count)
	}

	prForgetNonces { |now|
		if(seenNonces.size > 2000) {
			seenNonces.keys.copy.do { |key| if(seenNonces[key] < now) { seenNonces.removeAt(key) } };
			// still full of live nonces (a flood): forget the oldest half, the window still holds
			if(seenNonces.size > 20000) {
				seenNonces.keys.asArray.sort { |a, b| seenNonces[a] < seenNonces[b] }.keep(10000).do { |key| seenNonces.removeAt(key) }
			}
		}
	}

	// Counts a refused message and logs it (at most 10 lines per minute); always returns nil.
	prRefuse { |address, addr, reason|
		refusals = refusals + 1;
		if(refusalsLogged < 10) {
			refusalsLogged = refusalsLogged + 1;
			if(refusalsLogged == 1) { SystemClock.sched(60, { refusalsLogged = 0; nil }) };
			this.log(30, "refused % from %: % (% refused so far)".format(address, addr.ip, reason, refusals));
		};
		^nil
	}

	// How many messages from the backend were refused (unsigned, replayed, bad hmac, wrong sender).
	refusals { ^refusals }

	addReceivers {
		receivers.do(_.free);
		receivers = List[
			OSCFunc({ |msg, time, addr|
				var args = this.verifiedArgs(msg, addr, 3);
				if(args.notNil) {
					this.runInstruction(args[0].asString, (args[1] ? "{}").asString, args[2] == true or: { args[2] == 1 })
				}
			}, '/instruction').permanent_(true),
			OSCFunc({ |msg, time, addr|
				var args = this.verifiedArgs(msg, addr, 2);
				if(args.notNil and: { args[0].notNil }) {
					this.setVariable(args[0].asString, (args[1] ? "").asString)
				}
			}, '/variable').permanent_(true),
			OSCFunc({ |msg, time, addr|
				if(addr.ip == "127.0.0.1" and: { this.verifiedArgs(msg, addr, 0).notNil }) { this.quit }
			}, '/gencaster/quit').permanent_(true)
		];
	}

	// Text of an OSC argument: sclang cuts received strings at about 8 kB, so the backend sends
	// longer text as a blob (Int8Array of UTF-8 bytes).
	*oscText { |item|
		^if(item.isKindOf(Int8Array)) { String.newFrom(item.collect(_.asAscii)) } { item.asString }
	}

	// Runs code in a Routine (so `.wait` works) and acknowledges the outcome.
	runInstruction { |uuid, code, manualFinish = false|
		var routine;
		this.sendAck(uuid, "RECEIVED");
		// The backend re-sends an instruction whose receipt it did not hear: run each id once.
		if(seenInstructions.includes(uuid)) { ^this };
		seenInstructions.add(uuid);
		seenOrder.add(uuid);
		if(seenOrder.size > 1000) { seenInstructions.remove(seenOrder.removeAt(0)) };
		routine = Routine({
			var function = code.compile, result, error;
			if(function.isNil) {
				error = "compile error (see sclang post window) in: " ++ code.keep(300);
			} {
				result = {
					var value = function.value;
					if(value.isKindOf(Function)) { value = value.value(environment) };
					value
				}.try { |caught| error = caught.errorString; nil };
			};
			running.removeAt(uuid);
			case
			{ error.notNil } {
				this.log(40, "instruction % failed: %".format(uuid, error));
				this.sendAck(uuid, "FAILURE", error);
			}
			{ manualFinish.not } { this.sendAck(uuid, "FINISHED", result.asCompileString) };
		});
		running.put(uuid, routine);
		routine.play(TempoClock.default);
	}

	// Stores a stream variable as data; numeric values also drive a control-rate Ndef named
	// \var_<key> (see *variableNdefName): listener variables never replace the story's own Ndefs.
	setVariable { |key, value|
		variables.put(key, value);
		if(server.notNil and: { server.serverRunning } and: { this.class.isNumeric(value) }) {
			Ndef(this.class.variableNdefName(key), value.asFloat);
		};
		^value
	}

	// The Ndef a numeric stream variable drives: its key under the reserved prefix "var_".
	*variableNdefName { |key|
		^("var_" ++ key.asString).asSymbol
	}

	// True for decimal numbers such as "1", "-0.5" or "2e3".
	*isNumeric { |string|
		^"^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$".matchRegexp(string.asString)
	}

	// Plays a sound file asynchronously; returns a playback id for stopPlayback.
	// `callback` gets (id, error) once the synth has ended, was stopped or failed to start.
	playBuffer { |path, amp = 0.2, callback|
		var id = nextPlaybackId = nextPlaybackId + 1;
		var entry = IdentityDictionary[\path -> path, \callback -> callback, \done -> false];
		playbacks.put(id, entry);
		if(File.exists(path.asString).not) {
			this.prFinishPlayback(id, "cannot read sound file " ++ path);
			^id
		};
		// scsynth never answers a file it cannot decode: give up after 10 s
		SystemClock.sched(10, {
			if(entry[\node].isNil) { this.prFinishPlayback(id, "cannot read sound file " ++ path) };
			nil
		});
		entry[\buffer] = Buffer.read(server, path.asString, action: { |buffer|
			entry[\buffer] = buffer;
			case
			{ entry[\done] } { nil } // stopped while loading: prFinishPlayback freed it
			{ buffer.numFrames.isNil or: { buffer.numFrames <= 0 } } {
				this.prFinishPlayback(id, "cannot read sound file " ++ path)
			}
			{
				entry[\node] = Synth(
					if(buffer.numChannels == 1) { \gencasterPlayback1 } { \gencasterPlayback2 },
					[\buffer, buffer.bufnum, \amp, amp.asFloat], server.defaultGroup
				);
				entry[\node].onFree { this.prFinishPlayback(id) };
			}
		});
		^id
	}

	// Plays a sound file and acknowledges instruction `uuid` FINISHED when it ends (manual finish).
	syncPlayBuffer { |path, uuid, amp = 0.2|
		^this.playBuffer(path, amp, { |id, error|
			if(error.isNil) {
				this.sendAck(uuid, "FINISHED", "Buffer % finished playing".format(path))
			} {
				this.sendAck(uuid, "FAILURE", error)
			}
		})
	}

	// Stops a playback started by playBuffer; unknown ids are ignored. Returns true if it was playing.
	stopPlayback { |id|
		var entry = playbacks[id];
		if(entry.isNil) { ^false };
		if(entry[\node].notNil) { entry[\node].free };
		this.prFinishPlayback(id);
		^true
	}

	prFinishPlayback { |id, error|
		var entry = playbacks.removeAt(id);
		if(entry.notNil and: { entry[\done].not }) {
			entry[\done] = true;
			if(entry[\buffer].notNil) { entry[\buffer].free };
			if(error.notNil) { this.log(40, error) };
			entry[\callback].value(id, error);
		}
	}

	// Hands the point over clean: ends everything the previous story left, so the next listener
	// hears none of it. The other instructions stop (acknowledged FAILURE); playbacks end;
	// CmdPeriod clears every clock (routines, scheduled functions, patterns on them) and frees all
	// synths; Tdefs, Pdefs, Pdefns and Ndefs are removed, buffers freed; the story's variables,
	// environment keys and interpreter variables are gone. Sent by the backend as an instruction
	// before a new stream's walk: the calling routine survives and acknowledges it. The beacon (a
	// started afresh) and the OSC receivers stay.
	cleanup {
		var own = thisThread;
		running.keys.copy.do { |uuid|
			var routine = running[uuid];
			if(routine !== own) {
				running.removeAt(uuid);
				routine.stop;
				this.sendAck(uuid, "FAILURE", "ended: the stream point was reset for a new stream");
			}
		};
		playbacks.keys.copy.do { |id| this.stopPlayback(id) };
		// Not while scsynth boots: CmdPeriod would end the boot routine (no story ran yet anyway).
		if(ready) {
			resetting = true;
			{ CmdPeriod.run }.protect { resetting = false };
			this.prStartBeacon;
			this.sendBeacon;
		};
		[Tdef, Pdef, Pdefn].do { |proxies| proxies.removeAll };
		Ndef.all.do { |space| space.clear };
		if(server.notNil and: { server.serverRunning }) {
			server.freeAll;
			Buffer.freeAll(server);
		};
		variables.clear;
		environment.keys.copy.do { |key| if([\gencaster, \variables].includes(key).not) { environment.removeAt(key) } };
		topEnvironment.keys.copy.do { |key| if(baseEnvironmentKeys.includes(key).not) { topEnvironment.removeAt(key) } };
		this.prClearInterpreterVariables;
		refusalsLogged = 0; // its reset timer was on a cleared clock
		^true
	}

	// a..z except g (this server, see stream-point.scd) and s (the default server, set again).
	prClearInterpreterVariables {
		var interpreter = thisProcess.interpreter;
		"abcdefhijklmnopqrtuvwxyz".do { |letter| interpreter.perform((letter.asString ++ "_").asSymbol, nil) };
		interpreter.s = server ? Server.default;
	}

	// CmdPeriod kills routines and synths: finish playbacks and fail instructions that were cut off.
	cmdPeriod {
		var cutOff;
		playbacks.keys.copy.do { |id| this.prFinishPlayback(id) };
		// cleanup has ended the other instructions itself; the next stream's may arrive at once
		if(resetting) { ^this };
		// only those running now: an instruction that arrives in the next 50 ms was not cut off
		cutOff = running.keys.copy;
		SystemClock.sched(0.05, {
			cutOff.do { |uuid|
				if(running.includesKey(uuid)) {
					running.removeAt(uuid);
					this.sendAck(uuid, "FAILURE", "interrupted by CmdPeriod");
				};
			};
			nil
		});
	}

	addSynthDefs {
		[1, 2].do { |channels|
			SynthDef("gencasterPlayback%".format(channels).asSymbol, { |out = 0, buffer, amp = 0.2, rate = 1|
				var signal = PlayBuf.ar(channels, buffer, BufRateScale.kr(buffer) * rate, doneAction: 2);
				if(channels == 1) { signal = signal ! 2 };
				Out.ar(out, signal * amp.lag(0.02));
			}).add;
		};
	}

	// Boots scsynth on the configured JACK server, then starts beaconing every 5 s.
	start { |onReady|
		var options = ServerOptions.new;
		options.sampleRate = 48000;
		options.memSize = 32768;
		options.numOutputBusChannels = 2;
		options.numInputBusChannels = if(useInput) { 2 } { 0 };
		options.bindAddress = bindAddress;
		options.maxLogins = 2;
		options.device = if(jackServer.notNil) { jackServer ++ ":" ++ name } { name };
		server = Server(name.asSymbol, NetAddr("127.0.0.1", synthPort), options);
		Server.default = server;
		this.sendBeacon; // BOOTING: the backend fails what the previous interpreter left open
		server.waitForBoot({
			ready = true;
			this.addSynthDefs; // scsynth handles commands in order: no sync needed before the first Synth
			this.prStartBeacon;
			this.sendBeacon;
			this.log(20, "stream point % ready (lang %, synth %)".format(name, NetAddr.langPort, synthPort));
			onReady.value(this);
		}, 100, { this.log(40, "scsynth of % failed to boot".format(name)) });
	}

	// Beacons every 5 s from now on (a fresh SkipJack: cleanup's CmdPeriod may have stopped the last).
	prStartBeacon {
		if(beacon.notNil) { beacon.stop };
		beacon = SkipJack({ this.sendBeacon }, 5.0, name: "gencasterBeacon", autostart: false);
		beacon.start;
	}

	// Stops beaconing, quits scsynth and exits sclang.
	quit {
		if(beacon.notNil) { beacon.stop };
		if(server.notNil) { server.quit };
		AppClock.sched(0.3, { 0.exit; nil });
	}
}
