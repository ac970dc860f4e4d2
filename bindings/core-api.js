// Appended to the WASM module's glue (--post-js): the `Core` class of bindings/README.md over the C exports of bindings/faultline_wasm.cpp. Strings go in as UTF-8
// (the glue's own encoder, as Embind encoded them: a lone surrogate is kept, not replaced) in
// memory allocated for the call; results are read as UTF-8 up to their NUL and copied out before
// the next call. Names are quoted where they must survive Closure Compiler (the public API).

/** Calls fn with each string argument in WASM memory as (pointer, byte count); frees them after. */
function withStrings(strings, fn) {
  var pointers = [], args = [];
  try {
    for (var i = 0; i < strings.length; i++) {
      var text = String(strings[i]), size = lengthBytesUTF8(text), at = _malloc(size + 1);
      if (!at) throw new Error('faultline: out of WASM memory');
      pointers.push(at);
      stringToUTF8(text, at, size + 1);
      args.push(at, size);
    }
    return fn.apply(null, args);
  } finally {
    for (var j = 0; j < pointers.length; j++) _free(pointers[j]);
  }
}

function textAt(pointer) { return UTF8ToString(pointer); }

/** @constructor */
function Core(optionsJson) {
  this.ptr = withStrings([optionsJson], function (o, n) { return _fl_core_new(o, n); });
}
var api = Core.prototype;
function textMethod(name, exported) {
  api[name] = function () {
    var self = this;
    return textAt(withStrings(arguments, function () { return exported.apply(null, [self.ptr].concat([].slice.call(arguments))); }));
  };
}
textMethod('configure', _fl_configure);
textMethod('setScope', _fl_set_scope);
textMethod('addBreadcrumb', _fl_add_breadcrumb);
textMethod('capture', _fl_capture);
textMethod('captureWithStacks', _fl_capture_with_stacks);
textMethod('addSymbolTable', _fl_add_symbol_table);
api['pushScope'] = function () { _fl_push_scope(this.ptr); };
api['popScope'] = function () { _fl_pop_scope(this.ptr); };
api['countRepeat'] = function (fingerprint, timestampSeconds) {
  var self = this;
  return !!withStrings([fingerprint], function (f, n) { return _fl_count_repeat(self.ptr, f, n, timestampSeconds); });
};
api['drain'] = function (nowMs, force, maxPerEnvelope) { return textAt(_fl_drain(this.ptr, nowMs, force ? 1 : 0, maxPerEnvelope)); };
api['clientReport'] = function (discardedJson, nowMs) {
  var self = this;
  return textAt(withStrings([discardedJson], function (d, n) { return _fl_client_report(self.ptr, d, n, nowMs); }));
};
api['stats'] = function () { return textAt(_fl_stats(this.ptr)); };
api['delete'] = function () {
  if (this.ptr) _fl_core_delete(this.ptr);
  this.ptr = 0;
};
Module['Core'] = Core;
