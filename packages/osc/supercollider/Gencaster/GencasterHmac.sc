// GencasterHmac: HMAC-SHA256 signatures for Gencaster OSC messages, in plain sclang (sclang has no
// crypto primitives). Integers in sclang are 32-bit and wrap on overflow, which SHA-256 relies on.
//
// Canonical text of a key/value message: the address, then one "key=value" line per pair sorted by
// key, joined with "\n". signPairs appends ts (Unix seconds), nonce and hmac (lower-case hex) pairs;
// the backend checks the signature, rejects timestamps outside its replay window and refuses a
// signature it has seen.
// Positional messages from the backend (/instruction, /variable, /gencaster/quit) end in ts, nonce
// and hmac; their canonical text is the address, then per argument "\n<byte size>:<text>"
// (length-prefixed). verifyFields checks them (see GencasterServer for the window and nonce set).

GencasterHmac {
	classvar k, h0;
	var innerKey, outerKey;

	*initClass {
		k = #[1116352408, 1899447441, -1245643825, -373957723, 961987163, 1508970993, -1841331548,
			-1424204075, -670586216, 310598401, 607225278, 1426881987, 1925078388, -2132889090,
			-1680079193, -1046744716, -459576895, -272742522, 264347078, 604807628, 770255983,
			1249150122, 1555081692, 1996064986, -1740746414, -1473132947, -1341970488, -1084653625,
			-958395405, -710438585, 113926993, 338241895, 666307205, 773529912, 1294757372,
			1396182291, 1695183700, 1986661051, -2117940946, -1838011259, -1564481375, -1474664885,
			-1035236496, -949202525, -778901479, -694614492, -200395387, 275423344, 430227734,
			506948616, 659060556, 883997877, 958139571, 1322822218, 1537002063, 1747873779,
			1955562222, 2024104815, -2067236844, -1933114872, -1866530822, -1538233109, -1090935817,
			-965641998];
		h0 = #[1779033703, -1150833019, 1013904242, -1521486534, 1359893119, -1694144372, 528734635,
			1541459225];
	}

	*new { |secret| ^super.new.init(secret) }

	init { |secret|
		var key = this.class.bytes(secret.asString);
		if(key.size > 64) { key = this.class.sha256(key) };
		key = key ++ Array.fill(64 - key.size, 0);
		innerKey = key.collect { |byte| byte.bitXor(16r36) };
		outerKey = key.collect { |byte| byte.bitXor(16r5c) };
	}

	// The UTF-8 bytes of a String as integers 0..255.
	*bytes { |string| ^string.asString.ascii.collect { |code| code.bitAnd(255) } }

	*shr { |x, n| ^(x >> n).bitAnd((1 << (32 - n)) - 1) }

	*rotr { |x, n| ^this.shr(x, n).bitOr(x << (32 - n)) }

	// SHA-256 of an Array of bytes; returns 32 bytes.
	*sha256 { |message|
		var bytes = message.copy, bitLength = message.size * 8, hash = h0.copy, words = Array.newClear(64);
		bytes = bytes.add(16r80);
		while { bytes.size % 64 != 56 } { bytes = bytes.add(0) };
		bytes = bytes ++ [0, 0, 0, 0] ++ [24, 16, 8, 0].collect { |shift| this.shr(bitLength, shift).bitAnd(255) };
		(bytes.size div: 64).do { |block|
			var a, b, c, d, e, f, g, h;
			16.do { |i|
				var o = (block * 64) + (i * 4);
				words[i] = (bytes[o] << 24).bitOr(bytes[o + 1] << 16).bitOr(bytes[o + 2] << 8).bitOr(bytes[o + 3]);
			};
			(16..63).do { |i|
				var w15 = words[i - 15], w2 = words[i - 2], s0, s1;
				s0 = this.rotr(w15, 7).bitXor(this.rotr(w15, 18)).bitXor(this.shr(w15, 3));
				s1 = this.rotr(w2, 17).bitXor(this.rotr(w2, 19)).bitXor(this.shr(w2, 10));
				words[i] = words[i - 16] + s0 + words[i - 7] + s1;
			};
			#a, b, c, d, e, f, g, h = hash;
			64.do { |i|
				var s1, ch, t1, s0, maj, t2;
				s1 = this.rotr(e, 6).bitXor(this.rotr(e, 11)).bitXor(this.rotr(e, 25));
				ch = e.bitAnd(f).bitXor(e.bitNot.bitAnd(g));
				t1 = h + s1 + ch + k[i] + words[i];
				s0 = this.rotr(a, 2).bitXor(this.rotr(a, 13)).bitXor(this.rotr(a, 22));
				maj = a.bitAnd(b).bitXor(a.bitAnd(c)).bitXor(b.bitAnd(c));
				t2 = s0 + maj;
				h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
			};
			hash = hash + [a, b, c, d, e, f, g, h];
		};
		^hash.collect { |word| [24, 16, 8, 0].collect { |shift| this.shr(word, shift).bitAnd(255) } }.flat
	}

	*hex { |bytes| ^bytes.collect { |byte| byte.asHexString(2).toLower }.join }

	// Lower-case hex HMAC-SHA256 of a String.
	hexDigest { |string|
		var inner = this.class.sha256(innerKey ++ this.class.bytes(string));
		^this.class.hex(this.class.sha256(outerKey ++ inner))
	}

	// The canonical text that is signed (see the class comment).
	*canonical { |address, pairs|
		var lines = pairs.clump(2).collect { |pair| pair[0].asString ++ "=" ++ pair[1].asString };
		^([address.asString] ++ lines.sort).join("\n")
	}

	// A random nonce: two equal messages signed in the same second still differ.
	*nonce { ^16.collect { "0123456789abcdef".choose }.join }

	// Appends ts, nonce and hmac pairs to a flat key/value Array.
	signPairs { |address, pairs|
		var signed = pairs ++ ["ts", Date.getDate.rawSeconds.floor.asInteger.asString, "nonce", this.class.nonce];
		^signed ++ ["hmac", this.hexDigest(this.class.canonical(address, signed))]
	}

	// The canonical text of a positional message (fields without the trailing hmac).
	*positional { |address, fields|
		^address.asString ++ fields.collect { |field|
			var text = field.asString;
			"\n" ++ text.size.asString ++ ":" ++ text
		}.join
	}

	// Appends ts, nonce and hmac to positional fields (as the backend signs /instruction).
	signFields { |address, fields|
		var signed = fields.collect(_.asString) ++ [Date.getDate.rawSeconds.floor.asInteger.asString, this.class.nonce];
		^signed ++ [this.hexDigest(this.class.positional(address, signed))]
	}

	// True when `hmac` is the signature of the positional `fields` (which end in ts and nonce).
	// Compares every character, wherever the first difference is.
	verifyFields { |address, fields, hmac|
		var expected, difference = 0;
		if(hmac.isString.not or: { hmac.size != 64 }) { ^false };
		expected = this.hexDigest(this.class.positional(address, fields));
		64.do { |i| difference = difference.bitOr(expected[i].ascii.bitXor(hmac[i].ascii)) };
		^difference == 0
	}
}
