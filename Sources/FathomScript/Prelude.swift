/// The JavaScript half of the sandbox: Postman's `pm` API, its legacy globals,
/// `require()`, timers and `console`, on top of chai (loaded before this).
/// It talks to Swift through `__fathomHost(op, arg)` and is driven through
/// `__fathom` (compiled, invoke, takeRequests, deliver, nextTimerDelay, fireTimers, abandon, end).
enum Prelude {
    static let source = #"""
(function (global) {
  'use strict';
  var host = global.__fathomHost;
  delete global.__fathomHost;
  var chai = global.chai;

  // ---------- small helpers ----------
  function text(v) {
    if (typeof v === 'string') return v;
    if (v === undefined) return 'undefined';
    if (v instanceof Error) return String(v);
    try { return JSON.stringify(v); } catch (e) { return String(v); }
  }
  function nowMs() { return Number(host('now')); }
  function lower(s) { return String(s).toLowerCase(); }

  // ---------- console ----------
  var consoleObject = {};
  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    consoleObject[level] = function () {
      host('log', level + ': ' + Array.prototype.map.call(arguments, text).join(' '));
    };
  });
  consoleObject.trace = consoleObject.debug;
  global.console = consoleObject;

  // The old sandbox's String#has, still used by exported collections.
  if (!String.prototype.has) {
    Object.defineProperty(String.prototype, 'has', { value: function (v) { return this.indexOf(v) > -1; }, configurable: true, writable: true });
  }

  // ---------- timers (driven by the host's event loop) ----------
  var timers = [];
  var timerSeq = 0;
  global.setTimeout = function (fn, ms) {
    var args = Array.prototype.slice.call(arguments, 2);
    var id = ++timerSeq;
    timers.push({ id: id, fn: fn, args: args, due: nowMs() + (Number(ms) || 0) });
    return id;
  };
  global.setImmediate = function (fn) { return global.setTimeout.apply(null, [fn, 0].concat(Array.prototype.slice.call(arguments, 1))); };
  global.clearTimeout = global.clearImmediate = function (id) { timers = timers.filter(function (t) { return t.id !== id; }); };
  global.setInterval = function (fn, ms) {
    var holder = { id: 0 };
    var tick = function () { holder.id = global.setTimeout(tick, ms); fn(); };
    holder.id = global.setTimeout(tick, ms);
    return holder;
  };
  global.clearInterval = function (h) { if (h) global.clearTimeout(h.id); };

  // ---------- base64, hashing ----------
  var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function btoa(input) {
    var s = String(input), out = '';
    for (var i = 0; i < s.length; i += 3) {
      var a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2);
      if (a > 255 || b > 255 || c > 255) throw new Error("btoa: the string has characters outside Latin-1");
      var n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  }
  function atob(input) {
    var s = String(input).replace(/[\s=]/g, ''), out = '', bits = 0, acc = 0;
    for (var i = 0; i < s.length; i++) {
      var v = B64.indexOf(s[i]);
      if (v < 0) throw new Error('atob: invalid base64');
      acc = (acc << 6) | v; bits += 6;
      if (bits >= 8) { bits -= 8; out += String.fromCharCode((acc >> bits) & 255); }
    }
    return out;
  }
  global.btoa = btoa;
  global.atob = atob;
  function utf8Encode(s) { return unescape(encodeURIComponent(s)); }
  function utf8Decode(s) { try { return decodeURIComponent(escape(s)); } catch (e) { return s; } }
  function hexToLatin1(h) { var o = ''; for (var i = 0; i < h.length; i += 2) o += String.fromCharCode(parseInt(h.substr(i, 2), 16)); return o; }
  function latin1ToHex(s) { var o = ''; for (var i = 0; i < s.length; i++) o += ('0' + s.charCodeAt(i).toString(16)).slice(-2); return o; }
  global.crypto = global.crypto || {
    getRandomValues: function (array) {
      var hex = host('random', String(array.length * (array.BYTES_PER_ELEMENT || 1)));
      var bytes = []; for (var i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.substr(i, 2), 16));
      var per = array.BYTES_PER_ELEMENT || 1;
      for (var k = 0; k < array.length; k++) { var v = 0; for (var j = 0; j < per; j++) v = v * 256 + bytes[k * per + j]; array[k] = v; }
      return array;
    }
  };

  // crypto-js's common subset: WordArray-like values with toString(encoder).
  function Words(latin1) { this.bytes = latin1; this.sigBytes = latin1.length; }
  Words.prototype.toString = function (encoder) { return (encoder || CryptoJS.enc.Hex).stringify(this); };
  function asBytes(v) {
    if (v instanceof Words) return { data: latin1ToHex(v.bytes), encoding: 'hex' };
    return { data: String(v), encoding: 'utf8' };
  }
  function digest(alg) {
    return function (message) { var m = asBytes(message); return new Words(hexToLatin1(host('hash', JSON.stringify({ alg: alg, data: m.data, encoding: m.encoding })))); };
  }
  function hmac(alg) {
    return function (message, key) {
      var m = asBytes(message), k = asBytes(key);
      return new Words(hexToLatin1(host('hash', JSON.stringify({ alg: alg, data: m.data, encoding: m.encoding, key: k.data, keyEncoding: k.encoding }))));
    };
  }
  var CryptoJS = {
    MD5: digest('md5'), SHA1: digest('sha1'), SHA256: digest('sha256'), SHA512: digest('sha512'),
    HmacMD5: hmac('md5'), HmacSHA1: hmac('sha1'), HmacSHA256: hmac('sha256'), HmacSHA512: hmac('sha512'),
    enc: {
      Hex: { stringify: function (w) { return latin1ToHex(w.bytes); }, parse: function (h) { return new Words(hexToLatin1(h)); } },
      Base64: { stringify: function (w) { return btoa(w.bytes); }, parse: function (b) { return new Words(atob(b)); } },
      Utf8: { stringify: function (w) { return utf8Decode(w.bytes); }, parse: function (s) { return new Words(utf8Encode(s)); } },
      Latin1: { stringify: function (w) { return w.bytes; }, parse: function (s) { return new Words(String(s)); } }
    },
    lib: { WordArray: { create: function (s) { return new Words(s || ''); } } }
  };

  // ---------- require(): CommonJS from the system's Node modules ----------
  var moduleCache = {};
  var loading = 0;  // modules being loaded (lodash reads root._ for noConflict: do not load it then)
  var AVAILABLE = ['lodash', 'moment', 'uuid', 'ajv', 'xml2js', 'cheerio', 'crypto-js', 'chai', 'tv4', 'atob', 'btoa'];
  var NODE_SHIMS = {
    events: function () { return EventEmitterModule(); },
    timers: function () { return { setTimeout: global.setTimeout, clearTimeout: global.clearTimeout, setImmediate: global.setImmediate, clearImmediate: global.clearImmediate, setInterval: global.setInterval, clearInterval: global.clearInterval }; },
    util: function () { return { inherits: function (c, p) { c.super_ = p; c.prototype = Object.create(p.prototype, { constructor: { value: c } }); }, format: function () { return Array.prototype.map.call(arguments, text).join(' '); }, isArray: Array.isArray, deprecate: function (f) { return f; }, inspect: text, promisify: function (f) { return function () { var a = Array.prototype.slice.call(arguments); return new Promise(function (res, rej) { f.apply(null, a.concat([function (e, v) { if (e) rej(e); else res(v); }])); }); }; } }; },
    string_decoder: function () { function SD() {} SD.prototype.write = function (b) { return String(b); }; SD.prototype.end = function (b) { return b ? String(b) : ''; }; return { StringDecoder: SD }; },
    stream: function () { var E = EventEmitterModule(); function Stream() { E.call(this); } Stream.prototype = Object.create(E.prototype); Stream.Stream = Stream; return Stream; },
    buffer: function () { return { Buffer: global.Buffer }; },
    crypto: function () { return { randomFillSync: function (a) { return global.crypto.getRandomValues(a); }, randomBytes: function (n) { return global.crypto.getRandomValues(new Uint8Array(n)); } }; },
    assert: function () { var a = function (v, m) { if (!v) throw new Error(m || 'assertion failed'); }; a.ok = a; a.equal = function (x, y, m) { if (x != y) throw new Error(m || (x + ' != ' + y)); }; return a; }
  };
  var eventEmitter = null;
  function EventEmitterModule() {
    if (eventEmitter) return eventEmitter;
    function EventEmitter() { this._events = {}; }
    EventEmitter.prototype.on = EventEmitter.prototype.addListener = function (n, f) { (this._events = this._events || {}); (this._events[n] = this._events[n] || []).push(f); return this; };
    EventEmitter.prototype.once = function (n, f) { var self = this; function g() { self.removeListener(n, g); f.apply(this, arguments); } return this.on(n, g); };
    EventEmitter.prototype.removeListener = EventEmitter.prototype.off = function (n, f) { var l = (this._events || {})[n]; if (l) this._events[n] = l.filter(function (x) { return x !== f; }); return this; };
    EventEmitter.prototype.removeAllListeners = function (n) { if (n) delete (this._events || {})[n]; else this._events = {}; return this; };
    EventEmitter.prototype.emit = function (n) { var l = ((this._events || {})[n] || []).slice(), a = Array.prototype.slice.call(arguments, 1); for (var i = 0; i < l.length; i++) l[i].apply(this, a); return l.length > 0; };
    EventEmitter.prototype.listeners = function (n) { return ((this._events || {})[n] || []).slice(); };
    EventEmitter.prototype.setMaxListeners = function () { return this; };
    EventEmitter.EventEmitter = EventEmitter;
    eventEmitter = EventEmitter;
    return EventEmitter;
  }
  function loadFile(path) {
    if (moduleCache[path]) return moduleCache[path].exports;
    var source = host('read', path);
    var module = { exports: {}, id: path, filename: path, loaded: false };
    moduleCache[path] = module;
    if (/\.json$/.test(path)) { module.exports = JSON.parse(source); module.loaded = true; return module.exports; }
    var dir = path.replace(/\/[^\/]*$/, '');
    var localRequire = function (request) { return requireFrom(dir, request); };
    var fn = new Function('exports', 'require', 'module', '__filename', '__dirname', 'process', 'global', source + '\n//# sourceURL=' + path);
    loading++;
    try { fn.call(module.exports, module.exports, localRequire, module, path, dir, processShim, global); } finally { loading--; }
    module.loaded = true;
    return module.exports;
  }
  var processShim = { env: {}, argv: [], version: 'v20.0.0', versions: { node: '20.0.0' }, platform: 'linux', browser: true, nextTick: function (f) { var a = Array.prototype.slice.call(arguments, 1); Promise.resolve().then(function () { f.apply(null, a); }); }, cwd: function () { return '/'; }, emitWarning: function () {} };
  function requireFrom(dir, request) {
    var bare = request.replace(/^node:/, '');
    if (dir === null) {
      if (bare === 'crypto-js') return CryptoJS;
      if (bare === 'chai') return chai;
      if (bare === 'tv4') return loadTv4();
      if (bare === 'atob') return atob;
      if (bare === 'btoa') return btoa;
      var top = bare.split('/')[0];
      if (AVAILABLE.indexOf(top) < 0) {
        throw new Error("require('" + request + "'): module not available in Fathom's sandbox; available: " + AVAILABLE.join(', '));
      }
    } else if (NODE_SHIMS[bare]) {
      var key = 'node:' + bare;
      if (!moduleCache[key]) moduleCache[key] = { exports: NODE_SHIMS[bare]() };
      return moduleCache[key].exports;
    }
    var path = host('resolve', JSON.stringify({ request: request, from: dir }));
    return loadFile(path);
  }
  global.require = function (request) { return requireFrom(null, String(request)); };
  global.Buffer = global.Buffer || {
    from: function (s, enc) {
      var latin1 = enc === 'base64' ? atob(s) : (enc === 'hex' ? hexToLatin1(s) : utf8Encode(String(s)));
      return { toString: function (e) { return e === 'base64' ? btoa(latin1) : e === 'hex' ? latin1ToHex(latin1) : utf8Decode(latin1); }, length: latin1.length };
    },
    isBuffer: function () { return false; }
  };

  // ajv, for pm.response.to.have.jsonSchema.
  var ajvInstance = null;
  function ajv() {
    if (!ajvInstance) { var Ajv = global.require('ajv'); ajvInstance = new Ajv({ allErrors: true, schemaId: 'auto', unknownFormats: 'ignore' }); }
    return ajvInstance;
  }
  // tv4, the old sandbox's JSON-schema validator: Debian's libjs-tv4, loaded on first use.
  var TV4_PATH = '/usr/share/javascript/tv4/tv4.js';
  function loadTv4() {
    try { return loadFile(TV4_PATH); }
    catch (e) { throw new Error('tv4 is not installed at ' + TV4_PATH + "; install Debian's libjs-tv4"); }
  }

  // ---------- variable scopes ----------
  function VariableScope(values, name) { this._values = values || {}; this._name = name; }
  VariableScope.prototype.get = function (k) { return Object.prototype.hasOwnProperty.call(this._values, k) ? this._values[k] : undefined; };
  // Scopes a script changed are marked, and only those go back to the runner.
  function touch(scope) { if (state) state.dirty[scope] = true; }
  VariableScope.prototype.set = function (k, v) { this._values[String(k)] = v; touch(this._name); };
  VariableScope.prototype.unset = function (k) { delete this._values[k]; touch(this._name); };
  VariableScope.prototype.has = function (k) { return Object.prototype.hasOwnProperty.call(this._values, k); };
  VariableScope.prototype.clear = function () { var self = this; Object.keys(this._values).forEach(function (k) { delete self._values[k]; }); touch(this._name); };
  VariableScope.prototype.toObject = function () { return Object.assign({}, this._values); };
  VariableScope.prototype.toJSON = function () { return this.toObject(); };
  VariableScope.prototype.replaceIn = function (s) { return replaceIn(s, [this._values]); };

  function replaceIn(input, layers, depth) {
    if (typeof input !== 'string') return input;
    depth = depth || 0;
    var out = input.replace(/\{\{([^{}]+)\}\}/g, function (whole, rawName) {
      var name = rawName.trim();
      for (var i = 0; i < layers.length; i++) {
        if (Object.prototype.hasOwnProperty.call(layers[i], name)) {
          var v = layers[i][name];
          return typeof v === 'string' ? v : text(v);
        }
      }
      if (name.charAt(0) === '$') { var d = host('dynamic', name); if (d !== undefined) return d; }
      return whole;
    });
    return out !== input && depth < 16 && /\{\{[^{}]+\}\}/.test(out) ? replaceIn(out, layers, depth + 1) : out;
  }

  // ---------- headers, cookies ----------
  function HeaderList(list) { this._list = (list || []).map(function (h) { return { key: String(h.key), value: String(h.value === undefined ? '' : h.value) }; }); }
  HeaderList.prototype.get = function (name) { var n = lower(name); for (var i = 0; i < this._list.length; i++) if (lower(this._list[i].key) === n) return this._list[i].value; return undefined; };
  HeaderList.prototype.has = function (name, value) { var n = lower(name); return this._list.some(function (h) { return lower(h.key) === n && (value === undefined || h.value === value); }); };
  HeaderList.prototype.toObject = function () { var o = {}; this._list.forEach(function (h) { o[lower(h.key)] = h.value; }); return o; };
  HeaderList.prototype.all = function () { return this._list.slice(); };
  HeaderList.prototype.count = function () { return this._list.length; };
  HeaderList.prototype.each = function (f) { this._list.forEach(f); };
  HeaderList.prototype.filter = function (f) { return this._list.filter(f); };
  HeaderList.prototype.map = function (f) { return this._list.map(f); };
  HeaderList.prototype.find = function (f) { return this._list.find(f); };
  HeaderList.prototype.one = function (name) { var n = lower(name); return this._list.find(function (h) { return lower(h.key) === n; }); };
  HeaderList.prototype.add = function (h) { if (typeof h === 'string') { var i = h.indexOf(':'); h = { key: h.slice(0, i).trim(), value: h.slice(i + 1).trim() }; } this._list.push({ key: String(h.key), value: String(h.value) }); };
  HeaderList.prototype.upsert = function (h) { var n = lower(h.key), found = false; this._list.forEach(function (x) { if (lower(x.key) === n) { x.value = String(h.value); found = true; } }); if (!found) this.add(h); };
  HeaderList.prototype.remove = function (name) { var n = typeof name === 'string' ? lower(name) : null; this._list = this._list.filter(function (h) { return n === null ? !name(h) : lower(h.key) !== n; }); };
  HeaderList.prototype.toJSON = function () { return this._list; };
  HeaderList.prototype.toString = function () { return this._list.map(function (h) { return h.key + ': ' + h.value; }).join('\n'); };

  function CookieList(list) { this._list = list || []; }
  CookieList.prototype.get = function (name) { var c = this._list.find(function (c) { return c.name === name; }); return c ? c.value : undefined; };
  CookieList.prototype.has = function (name) { return this._list.some(function (c) { return c.name === name; }); };
  CookieList.prototype.toObject = function () { var o = {}; this._list.forEach(function (c) { o[c.name] = c.value; }); return o; };
  CookieList.prototype.all = function () { return this._list.slice(); };
  CookieList.prototype.count = function () { return this._list.length; };
  CookieList.prototype.one = function (name) { return this._list.find(function (c) { return c.name === name; }); };

  // ---------- responses ----------
  var REASONS = { 100: 'Continue', 101: 'Switching Protocols', 200: 'OK', 201: 'Created', 202: 'Accepted', 203: 'Non-Authoritative Information', 204: 'No Content', 205: 'Reset Content', 206: 'Partial Content', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 417: 'Expectation Failed', 418: "I'm a teapot", 422: 'Unprocessable Entity', 423: 'Locked', 425: 'Too Early', 426: 'Upgrade Required', 428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 451: 'Unavailable For Legal Reasons', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout', 505: 'HTTP Version Not Supported' };
  function Response(r) {
    this.code = r.code;
    this.status = r.status || REASONS[r.code] || '';
    this.headers = new HeaderList(r.headers);
    this.cookies = new CookieList(r.cookies);
    this.responseTime = r.responseTime || 0;
    this.responseSize = r.responseSize || 0;
    this._body = r.body || '';
  }
  Response.prototype.text = function () { return this._body; };
  Response.prototype.json = function () {
    try { return JSON.parse(this._body); } catch (e) { throw new Error('the response body is not valid JSON (' + e.message + ')'); }
  };
  Response.prototype.reason = function () { return this.status; };
  Response.prototype.size = function () { return { body: this.responseSize, header: 0, total: this.responseSize }; };
  Response.prototype.toJSON = function () { return { code: this.code, status: this.status, headers: this.headers.all(), body: this._body, responseTime: this.responseTime }; };
  Object.defineProperty(Response.prototype, 'to', { get: function () { return chai.expect(this).to; } });
  Object.defineProperty(Response.prototype, 'stream', { get: function () { return this._body; } });

  // ---------- Postman's chai plugin (pm.response.to.have.status(200), ...) ----------
  function isResponse(o) { return o instanceof Response; }
  chai.use(function (chai, utils) {
    var A = chai.Assertion;
    function classOf(code) { return Math.floor(code / 100); }
    A.addMethod('status', function (expected) {
      var r = this._obj;
      new A(isResponse(r), 'expected a response').to.equal(true);
      if (typeof expected === 'string') {
        this.assert(r.status === expected, 'expected response to have status reason #{exp} but got #{act}', 'expected response to not have status reason #{act}', expected, r.status);
      } else {
        this.assert(r.code === expected, 'expected response to have status code #{exp} but got #{act}', 'expected response to not have status code #{act}', expected, r.code);
      }
    });
    A.addMethod('statusCode', function (expected) { this.status(expected); });
    A.addMethod('statusCodeClass', function (cls) { var r = this._obj; this.assert(classOf(r.code) === cls, 'expected response code to be #{exp}XX but found #{act}', 'expected response code to not be #{exp}XX', cls, r.code); });
    A.addMethod('statusReason', function (reason) { var r = this._obj; this.assert(r.status === reason, 'expected response to have status reason #{exp} but got #{act}', 'expected response to not have status reason #{act}', reason, r.status); });
    [['info', 1], ['success', 2], ['redirection', 3], ['clientError', 4], ['serverError', 5]].forEach(function (p) {
      A.addProperty(p[0], function () { var r = this._obj; this.assert(classOf(r.code) === p[1], 'expected response code to be ' + p[1] + 'XX but found #{act}', 'expected response code to not be ' + p[1] + 'XX', p[1] + 'XX', r.code); });
    });
    A.addProperty('error', function () { var r = this._obj; this.assert(classOf(r.code) === 4 || classOf(r.code) === 5, 'expected response code to be 4XX or 5XX but found #{act}', 'expected response code to not be 4XX or 5XX', '4XX or 5XX', r.code); });
    var named = { accepted: 202, badRequest: 400, unauthorized: 401, unauthorised: 401, forbidden: 403, notFound: 404, notAcceptable: 406, rateLimited: 429, withoutContent: 204 };
    Object.keys(named).forEach(function (n) {
      A.addProperty(n, function () { var r = this._obj; this.assert(r.code === named[n], 'expected response code to be #{exp} but found #{act}', 'expected response code to not be #{exp}', named[n], r.code); });
    });
    A.overwriteProperty('ok', function (_super) {
      return function () {
        if (isResponse(this._obj)) { var r = this._obj; this.assert(r.code === 200, 'expected response code to be 200 but found #{act}', 'expected response code to not be 200', 200, r.code); }
        else _super.call(this);
      };
    });
    A.addMethod('header', function (name, value) {
      var r = this._obj, list = isResponse(r) ? r.headers : (r && r.headers);
      var has = list && list.has(name);
      if (value === undefined || !has) {
        this.assert(has, 'expected response to have header #{exp}', 'expected response to not have header #{exp}', name);
      } else {
        var actual = list.get(name);
        this.assert(actual === value, 'expected \'' + name + '\' response header to be #{exp} but got #{act}', 'expected \'' + name + '\' response header to not be #{exp}', value, actual);
      }
    });
    A.addProperty('withBody', function () { var r = this._obj; this.assert(r._body !== undefined && r._body !== '', 'expected response to have content in body', 'expected response to not have content in body'); });
    A.addProperty('json', function () {
      var r = this._obj, ok = true;
      try { JSON.parse(r._body); } catch (e) { ok = false; }
      this.assert(ok, 'expected response body to be a valid json but got error #{act}', 'expected response body not to be a valid json', undefined, ok ? '' : 'invalid JSON');
    });
    A.addMethod('body', function (expected) {
      var r = this._obj, body = r._body;
      if (expected === undefined) { this.assert(body !== '', 'expected response to have content in body', 'expected response to not have content in body'); return; }
      if (expected instanceof RegExp) { this.assert(expected.test(body), 'expected response body text to match #{exp} but got #{act}', 'expected response body text to not match #{exp}', expected, body); return; }
      if (typeof expected === 'string') { this.assert(body === expected, 'expected response body to equal #{exp} but got #{act}', 'expected response body to not equal #{exp}', expected, body); return; }
      var parsed; try { parsed = JSON.parse(body); } catch (e) { parsed = undefined; }
      this.assert(utils.eql(parsed, expected), 'expected response body json to equal #{exp} but got #{act}', 'expected response body json to not equal #{exp}', expected, parsed);
    });
    A.addMethod('jsonBody', function (path, value) {
      var r = this._obj, parsed, ok = true;
      try { parsed = JSON.parse(r._body); } catch (e) { ok = false; }
      if (!ok) { this.assert(false, 'expected response body to be a valid json but got error', 'expected response body not to be valid json'); return; }
      if (path === undefined) { this.assert(true, '', 'expected response body not to be valid json'); return; }
      if (typeof path === 'object') { this.assert(utils.eql(parsed, path), 'expected response body json to equal #{exp} but got #{act}', 'expected response body json to not equal #{exp}', path, parsed); return; }
      var actual = String(path).split('.').reduce(function (o, k) { return o === undefined || o === null ? undefined : o[k]; }, parsed);
      if (arguments.length < 2) { this.assert(actual !== undefined, 'expected #{act} in response to contain property ' + path, 'expected response to not contain property ' + path, path, parsed); return; }
      this.assert(utils.eql(actual, value), 'expected response body json at "' + path + '" to contain #{exp} but got #{act}', 'expected response body json at "' + path + '" to not contain #{exp}', value, actual);
    });
    A.addMethod('jsonSchema', function (schema) {
      var target = isResponse(this._obj) ? JSON.parse(this._obj._body) : this._obj;
      var valid = ajv().validate(schema, target);
      this.assert(valid, 'expected data to satisfy schema but found following errors: \n' + (valid ? '' : ajv().errorsText()), 'expected data to not satisfy schema', true, valid);
    });
    A.addMethod('responseTime', function (limit) { var r = this._obj; this.assert(r.responseTime <= limit, 'expected response time to be at most #{exp} ms but it was #{act} ms', 'expected response time to be more than #{exp} ms', limit, r.responseTime); });
  });

  // ---------- one request's execution ----------
  var state = null;

  function Url(raw) { this._raw = String(raw); }
  Url.prototype.toString = function () { return this._raw; };
  Url.prototype.update = function (raw) { this._raw = String(raw); };
  Url.prototype.getHost = function () { var m = /^[a-z]+:\/\/([^\/?#:@]+@)?([^\/?#:]*)/i.exec(this._raw); return m ? m[2] : ''; };
  Url.prototype.getPath = function () { var m = /^[a-z]+:\/\/[^\/?#]*([^?#]*)/i.exec(this._raw); return m && m[1] ? m[1] : '/'; };
  Url.prototype.getQueryString = function () { var i = this._raw.indexOf('?'); return i < 0 ? '' : this._raw.slice(i + 1).split('#')[0]; };
  Url.prototype.toJSON = function () { return this._raw; };

  function makeRequest(r) {
    var req = {
      method: r.method || 'GET',
      headers: new HeaderList(r.headers),
      body: r.body || { mode: 'none' },
      name: r.name,
      id: r.id,
      addHeader: function (h) { this.headers.add(h); },
      removeHeader: function (n) { this.headers.remove(n); },
      upsertHeader: function (h) { this.headers.upsert(h); },
      toJSON: function () { return { url: String(this.url), method: this.method, headers: this.headers.all(), body: this.body }; }
    };
    var url = new Url(r.url || '');
    Object.defineProperty(req, 'url', {
      get: function () { return url; },
      set: function (v) { url = v instanceof Url ? v : new Url(typeof v === 'object' && v !== null && v.raw ? v.raw : String(v)); },
      enumerable: true
    });
    Object.defineProperty(req, 'auth', { value: r.auth || null, enumerable: false });
    return req;
  }

  function record(result) { state.tests.push(result); return result; }
  function failureMessage(e) {
    if (e && e.name === 'AssertionError') return e.message;
    return (e && e.name ? e.name + ': ' : '') + (e && e.message !== undefined ? e.message : String(e));
  }

  function defineTest(name, fn) {
    var result = record({ name: String(name), passed: true, skipped: false, error: false, message: null });
    if (typeof fn !== 'function') { return; }
    if (fn.length >= 1) {
      // An asynchronous test: it ends when done() is called (with an error to fail).
      result.pending = true;
      state.asyncPending++;
      var finished = false;
      var done = function (err) {
        if (finished) return;
        finished = true;
        result.pending = false;
        state.asyncPending--;
        if (err) { result.passed = false; result.message = failureMessage(err); }
      };
      try { fn(done); } catch (e) { if (!finished) { finished = true; result.pending = false; state.asyncPending--; } result.passed = false; result.message = failureMessage(e); }
      return;
    }
    try {
      var value = fn();
      if (value && typeof value.then === 'function') {
        result.pending = true;
        state.asyncPending++;
        value.then(function () { result.pending = false; state.asyncPending--; },
                   function (e) { result.pending = false; state.asyncPending--; result.passed = false; result.message = failureMessage(e); });
      }
    } catch (e) {
      result.passed = false;
      result.message = failureMessage(e);
    }
  }

  function sendRequest(req, callback) {
    var spec = typeof req === 'string' ? { url: req, method: 'GET' } : JSON.parse(JSON.stringify(req));
    if (spec.url && typeof spec.url === 'object') spec.url = spec.url.raw || String(spec.url);
    spec.url = replaceIn(String(spec.url || ''), layers());
    if (Array.isArray(spec.header)) spec.header = spec.header.map(function (h) { return { key: h.key, value: replaceIn(String(h.value), layers()) }; });
    else if (spec.header && typeof spec.header === 'object') spec.header = Object.keys(spec.header).map(function (k) { return { key: k, value: replaceIn(String(spec.header[k]), layers()) }; });
    if (spec.body && spec.body.raw !== undefined) spec.body.raw = replaceIn(String(spec.body.raw), layers());
    var id = ++state.requestSeq;
    var entry = { id: id, request: spec };
    var promise = new Promise(function (resolve, reject) { entry.resolve = resolve; entry.reject = reject; });
    entry.callback = callback;
    state.pendingRequests.push(entry);
    state.waiting[id] = entry;
    if (typeof callback !== 'function') return promise;
    promise.catch(function () {});
  }

  // ---------- pm ----------
  // Everything pm offers is read from the request in flight (`state`) when a script
  // asks for it, and made at most once per request: a request whose script reads
  // only pm.response builds only the response.
  function cached(key, make) {
    return function () {
      var c = state.cache;
      return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : (c[key] = make());
    };
  }
  function layers() {
    var v = state.ctx.variables;
    return [v.local, v.commandLine || {}, v.data, v.environment, v.folders || {}, v.collection, v.globals];
  }
  var currentRequest = cached('request', function () { return makeRequest(state.ctx.request || {}); });
  var currentResponse = cached('response', function () { return state.ctx.response ? new Response(state.ctx.response) : undefined; });
  function scope(property, name) {
    return cached('scope:' + name, function () {
      var s = new VariableScope(state.ctx.variables[property], name);
      if (name === 'environment') s.name = state.ctx.info.environmentName || '';
      return s;
    });
  }
  var pmVariables = {
    get: function (k) { var ls = layers(); for (var i = 0; i < ls.length; i++) if (Object.prototype.hasOwnProperty.call(ls[i], k)) return ls[i][k]; return undefined; },
    set: function (k, val) { state.ctx.variables.local[String(k)] = val; touch('local'); },
    unset: function (k) { delete state.ctx.variables.local[k]; touch('local'); },
    has: function (k) { return layers().some(function (l) { return Object.prototype.hasOwnProperty.call(l, k); }); },
    clear: function () { var local = state.ctx.variables.local; Object.keys(local).forEach(function (k) { delete local[k]; }); touch('local'); },
    toObject: function () { var o = {}; layers().slice().reverse().forEach(function (l) { Object.assign(o, l); }); return o; },
    replaceIn: function (s) { return replaceIn(s, layers()); }
  };
  var pmTest = function (name, fn) { return defineTest(name, fn); };
  pmTest.skip = function (name) { record({ name: String(name), passed: true, skipped: true, error: false, message: null }); };
  var pmExecution = {
    setNextRequest: function (name) { state.nextRequest = name === null || name === undefined ? null : String(name); state.nextRequestSet = true; },
    skipRequest: function () { state.skipRequest = true; }
  };
  Object.defineProperty(pmExecution, 'location', { enumerable: true, get: function () { return { current: state.ctx.info.requestName }; } });
  chai.expect.fail = chai.expect.fail || chai.assert.fail;
  var pmProbes = ['toJSON', 'then', 'inspect', 'constructor', 'valueOf', 'toString', 'asymmetricMatch', 'nodeType', 'length'];
  // Reading a member pm does not have is an error naming it (not a silent
  // undefined). The check sits behind pm's own members, as its prototype, so
  // reading those costs nothing extra.
  var pmMissing = new Proxy(Object.create(Object.prototype), {
    get: function (target, key, receiver) {
      if (typeof key === 'symbol' || key in target || pmProbes.indexOf(key) >= 0) return Reflect.get(target, key, receiver);
      throw new TypeError("pm." + String(key) + " is not supported by Fathom's sandbox");
    }
  });
  // pm's members, defined once; each request's pm is a fresh object on top of them
  // (so what a script adds to pm stays with its request).
  var pmMembers = Object.create(pmMissing);
  function member(name, get) { Object.defineProperty(pmMembers, name, { enumerable: true, configurable: true, get: get }); }
  function constant(name, value) { Object.defineProperty(pmMembers, name, { enumerable: true, configurable: true, writable: true, value: value }); }
  constant('test', pmTest);
  constant('expect', chai.expect);
  constant('variables', pmVariables);
  member('environment', scope('environment', 'environment'));
  member('globals', scope('globals', 'globals'));
  member('collectionVariables', scope('collection', 'collection'));
  member('iterationData', scope('data', 'data'));
  member('request', currentRequest);
  member('response', currentResponse);
  member('info', cached('info', function () {
    var i = state.ctx.info;
    return { eventName: i.eventName, iteration: i.iteration, iterationCount: i.iterationCount, requestName: i.requestName, requestId: i.requestId };
  }));
  member('cookies', cached('cookies', function () { var r = currentResponse(); return r ? r.cookies : new CookieList([]); }));
  constant('sendRequest', sendRequest);
  constant('execution', pmExecution);
  constant('setNextRequest', pmExecution.setNextRequest);
  constant('require', global.require);

  function legacyValue(value) {
    if ((value === false || value) && typeof (value && value.toString) === 'function') return value.toString();
    return value;
  }
  // The old sandbox's globals. They are accessors on the global object, defined
  // once, that read the request in flight: redefining globals for every request
  // would change the global object's shape each time, which defeats the engine's
  // caches. A script may assign over one; that lasts for its request.
  var overrides = {};
  function legacyGlobal(name, compute) {
    var value = cached('global:' + name, compute);
    Object.defineProperty(global, name, {
      configurable: true, enumerable: false,
      get: function () {
        if (Object.prototype.hasOwnProperty.call(overrides, name)) return overrides[name];
        return state ? value() : undefined;
      },
      set: function (value) { overrides[name] = value; }
    });
  }
  function vars() { return state.ctx.variables; }
  function response() { return currentResponse(); }
  legacyGlobal('pm', function () { return state.pm; });
  // Snapshots, as in the old sandbox: writes go through postman.set… or pm.*.set.
  legacyGlobal('environment', function () { return Object.assign({}, vars().environment); });
  legacyGlobal('globals', function () { return Object.assign({}, vars().globals); });
  legacyGlobal('data', function () { return Object.assign({}, vars().data); });
  legacyGlobal('iteration', function () { return state.ctx.info.iteration; });
  legacyGlobal('request', function () {
    var r = currentRequest(), info = state.ctx.info;
    return { url: String(r.url), method: r.method, headers: r.headers.toObject(), data: (r.body && r.body.raw) || {}, name: info.requestName, id: info.requestId };
  });
  legacyGlobal('responseBody', function () { var r = response(); return r ? r.text() : undefined; });
  legacyGlobal('responseCode', function () { var r = response(); return r ? { code: r.code, name: r.status, detail: r.status } : undefined; });
  legacyGlobal('responseHeaders', function () {
    var r = response();
    if (!r) return undefined;
    var o = {};
    r.headers.all().forEach(function (h) { o[h.key] = h.value; });
    return o;
  });
  legacyGlobal('responseTime', function () { var r = response(); return r ? r.responseTime : undefined; });
  legacyGlobal('responseCookies', function () { var r = response(); return r ? r.cookies.all() : undefined; });
  var postmanObject = {
    // As the old sandbox did: truthy values (and false) are stored as strings, others as they are.
    setEnvironmentVariable: function (k, val) { vars().environment[String(k)] = legacyValue(val); touch('environment'); },
    getEnvironmentVariable: function (k) { return vars().environment[k]; },
    clearEnvironmentVariable: function (k) { delete vars().environment[k]; touch('environment'); },
    clearEnvironmentVariables: function () { var e = vars().environment; Object.keys(e).forEach(function (k) { delete e[k]; }); touch('environment'); },
    setGlobalVariable: function (k, val) { vars().globals[String(k)] = legacyValue(val); touch('globals'); },
    getGlobalVariable: function (k) { return vars().globals[k]; },
    clearGlobalVariable: function (k) { delete vars().globals[k]; touch('globals'); },
    clearGlobalVariables: function () { var g = vars().globals; Object.keys(g).forEach(function (k) { delete g[k]; }); touch('globals'); },
    getResponseHeader: function (name) { var r = response(); return r ? r.headers.get(name) : undefined; },
    getResponseCookie: function (name) { var r = response(); return r ? r.cookies.one(name) : undefined; },
    setNextRequest: function (name) { pmExecution.setNextRequest(name); }
  };
  legacyGlobal('postman', function () { return postmanObject; });
  legacyGlobal('tests', function () { return state.legacyTests; });
  // The old sandbox's libraries, as globals: loaded on first use.
  function libraryGlobal(name, module) {
    var loaded;
    Object.defineProperty(global, name, {
      configurable: true, enumerable: false,
      get: function () {
        if (Object.prototype.hasOwnProperty.call(overrides, name)) return overrides[name];
        if (loaded === undefined) {
          if (loading > 0) return undefined;
          loaded = global.require(module);
        }
        return loaded;
      },
      set: function (value) { overrides[name] = value; }
    });
  }
  libraryGlobal('_', 'lodash');
  libraryGlobal('cheerio', 'cheerio');
  legacyGlobal('CryptoJS', function () { return CryptoJS; });
  legacyGlobal('tv4', loadTv4);
  var xml2JsonFunction = function (xml) {
    var out = null, error = null;
    global.require('xml2js').parseString(String(xml), { explicitArray: false, async: false }, function (e, r) { error = e; out = r; });
    if (error) throw error;
    return out;
  };
  legacyGlobal('xml2Json', function () { return xml2JsonFunction; });

  function collectLegacyTests() {
    var t = Object.prototype.hasOwnProperty.call(overrides, 'tests') ? overrides.tests : state.legacyTests;
    Object.keys(t || {}).forEach(function (k) {
      var ok = !!t[k];
      record({ name: k, passed: ok, skipped: false, error: false, message: ok ? null : 'expected "' + k + '" to be truthy' });
    });
    state.legacyTests = {};
    delete overrides.tests;
  }
  function isPending() {
    if (state.pendingRequests.length > 0 || timers.length > 0 || state.asyncPending > 0) return true;
    for (var k in state.waiting) return true;
    return false;
  }
  var compiled = [];

  global.__fathom = {
    // Scripts are compiled once (`__fathom.compiled[id] = function () {...}`) and
    // called for every request that runs them.
    compiled: compiled,
    // One request's phase: fresh state, then each script in order.
    // `job` is {context, scripts: [{id, name, location, prefix, error?}]}.
    invoke: function (json) {
      var job = JSON.parse(json);
      var ctx = job.context;
      state = { ctx: ctx, cache: {}, dirty: {}, tests: [], legacyTests: {}, asyncPending: 0, pendingRequests: [], waiting: {}, requestSeq: 0, nextRequestSet: false, nextRequest: undefined, skipRequest: false, script: null };
      timers = [];
      overrides = {};
      state.pm = Object.create(pmMembers);
      for (var i = 0; i < job.scripts.length; i++) {
        var s = job.scripts[i];
        state.script = s;
        state.legacyTests = {};
        if (s.error) { __fathom.scriptError(s.error); continue; }
        try {
          compiled[s.id].call(global);
        } catch (e) {
          __fathom.scriptError({ message: failureMessage(e), line: e && e.line, column: e && e.column });
          continue;
        }
        // Legacy tests["name"] = bool, recorded when the script completes.
        collectLegacyTests();
      }
    },
    scriptError: function (e) {
      var where = state.script ? state.script.location : '';
      if (e.line === 1 && e.column && state.script && state.script.prefix) e.column = Math.max(1, e.column - state.script.prefix);
      var message = e.message + (e.line ? ' (line ' + e.line + (e.column ? ', column ' + e.column : '') + ')' : '');
      record({ name: (state.script ? state.script.name : 'script'), passed: false, skipped: false, error: true, message: message + (where ? ' — ' + where : '') });
    },
    // JavaScriptCore reports a rejected promise that nothing handled.
    unhandledRejection: function (promise, reason) {
      if (!state) return;
      __fathom.scriptError({ message: 'unhandled promise rejection: ' + failureMessage(reason), line: reason && reason.line, column: reason && reason.column });
    },
    takeRequests: function () {
      var out = state.pendingRequests.map(function (e) { return { id: e.id, request: e.request }; });
      state.pendingRequests = [];
      return JSON.stringify(out);
    },
    deliver: function (json) {
      var d = JSON.parse(json);
      var entry = state.waiting[d.id];
      if (!entry) return;
      delete state.waiting[d.id];
      var err = d.response && d.response.error ? new Error(d.response.error) : null;
      var res = err ? undefined : new Response(d.response);
      if (typeof entry.callback === 'function') {
        try { entry.callback(err, res); } catch (e) { __fathom.scriptError({ message: 'in a pm.sendRequest callback: ' + failureMessage(e), line: e && e.line, column: e && e.column }); }
      }
      if (err) entry.reject(err); else entry.resolve(res);
    },
    nextTimerDelay: function () {
      if (state.pendingRequests.length > 0) return '0';
      if (timers.length === 0) {
        return state.asyncPending > 0 || Object.keys(state.waiting).length > 0 ? '10' : '-1';
      }
      var due = Math.min.apply(null, timers.map(function (t) { return t.due; }));
      return String(Math.max(0, due - nowMs()));
    },
    fireTimers: function () {
      var now = nowMs();
      var due = timers.filter(function (t) { return t.due <= now; });
      timers = timers.filter(function (t) { return t.due > now; });
      due.sort(function (a, b) { return a.due - b.due; });
      due.forEach(function (t) {
        try { t.fn.apply(null, t.args); } catch (e) { __fathom.scriptError({ message: 'in a timer callback: ' + failureMessage(e), line: e && e.line, column: e && e.column }); }
      });
    },
    abandon: function (reason) {
      state.tests.forEach(function (t) { if (t.pending) { t.pending = false; t.passed = false; t.message = reason; } });
      state.asyncPending = 0;
      timers = [];
      state.waiting = {};
    },
    // The phase's result, or 'pending' while requests, timers or asynchronous tests
    // are outstanding (unless `force`).
    end: function (mode) {
      if (mode !== 'force' && isPending()) return 'pending';
      var ctx = state.ctx;
      // Only what the runner needs back: the scopes the scripts changed, and the
      // request when it is still to be sent.
      var variables = {};
      for (var name in state.dirty) variables[name] = ctx.variables[name];
      var context = { variables: variables };
      if (ctx.info.eventName === 'prerequest' && Object.prototype.hasOwnProperty.call(state.cache, 'request')) context.request = state.cache.request.toJSON();
      var out = {
        tests: state.tests.map(function (t) { return { name: t.name, passed: t.passed, skipped: t.skipped, error: t.error, message: t.message }; }),
        context: context,
        skipRequest: state.skipRequest
      };
      if (state.nextRequestSet) out.nextRequest = state.nextRequest;
      var text = JSON.stringify(out, function (k, v) { return v === undefined ? null : v; });
      state = null;
      overrides = {};
      return text;
    }
  };
})(this);
"""#
}
