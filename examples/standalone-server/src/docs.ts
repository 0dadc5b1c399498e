import type { Request, Response } from 'express';

/**
 * `GET /docs`: a self-contained API reference page. It fetches `/api/openapi.json` and renders
 * every operation (method, path, summary, parameters, request body, responses) with a few lines of
 * inline script: no CDN and no bundle, because servers running this often have no internet access.
 */
export function docsPage(openApiPath = '/api/openapi.json') {
  const html = PAGE.replace('__OPENAPI_URL__', JSON.stringify(openApiPath));
  return (_req: Request, res: Response): void => {
    res
      .status(200)
      .setHeader('Content-Type', 'text/html; charset=utf-8')
      .setHeader('Content-Security-Policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
      .send(html);
  };
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cloudlink API reference</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f8fa; }
  header { background: #0b3d5c; color: #fff; padding: 16px 24px; }
  header h1 { margin: 0; font-size: 20px; }
  main { max-width: 1000px; margin: 0 auto; padding: 16px 24px; }
  input { width: 100%; padding: 8px; font-size: 15px; box-sizing: border-box; margin-bottom: 12px; }
  h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid #d0d7de; }
  details.op { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; margin: 6px 0; }
  details.op summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 12px; align-items: baseline; }
  .method { font: bold 12px monospace; text-transform: uppercase; min-width: 56px; text-align: center; padding: 2px 6px; border-radius: 4px; color: #fff; }
  .get { background: #1f6feb; } .post { background: #2da44e; } .put { background: #bf8700; } .patch { background: #8250df; } .delete { background: #cf222e; }
  .path { font-family: monospace; }
  .summary { color: #57606a; }
  .body { padding: 0 16px 12px; }
  pre { background: #f6f8fa; padding: 8px; overflow: auto; font-size: 12px; }
  table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; font-size: 13px; }
  .error { color: #cf222e; }
</style>
</head>
<body>
<header><h1 id="title">cloudlink API reference</h1><div id="subtitle"></div></header>
<main>
  <input id="filter" type="search" placeholder="Filter by path, method or summary" aria-label="Filter operations">
  <div id="ops">Loading the OpenAPI document…</div>
</main>
<script>
(function () {
  var specUrl = __OPENAPI_URL__;
  var METHODS = ['get', 'post', 'put', 'patch', 'delete'];
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.append(c); });
    return e;
  }
  function resolve(spec, s) {
    var seen = 0;
    while (s && s.$ref && seen++ < 20) {
      s = s.$ref.replace(/^#\\//, '').split('/').reduce(function (o, k) { return o && o[k.replace(/~1/g, '/').replace(/~0/g, '~')]; }, spec);
    }
    return s;
  }
  function schemaBlock(spec, schema) {
    return el('pre', {}, [JSON.stringify(resolve(spec, schema), function (k, v) { return k === '$ref' ? v.split('/').pop() : v; }, 2)]);
  }
  function operation(spec, path, method, op) {
    var body = el('div', { class: 'body' });
    if (op.description) body.append(el('p', {}, [op.description]));
    var params = (op.parameters || []).map(function (p) { return resolve(spec, p); });
    if (params.length) {
      var rows = params.map(function (p) {
        return el('tr', {}, [el('td', {}, [p.name]), el('td', {}, [p.in]), el('td', {}, [p.required ? 'yes' : 'no']),
          el('td', {}, [(p.schema && (p.schema.type || '')) + (p.description ? ' — ' + p.description : '')])]);
      });
      body.append(el('h4', {}, ['Parameters']), el('table', {}, [el('tr', {}, ['name', 'in', 'required', 'schema'].map(function (h) { return el('th', {}, [h]); }))].concat(rows)));
    }
    var rb = op.requestBody && resolve(spec, op.requestBody);
    var json = rb && rb.content && rb.content['application/json'];
    if (json && json.schema) body.append(el('h4', {}, ['Request body']), schemaBlock(spec, json.schema));
    var responses = op.responses || {};
    Object.keys(responses).forEach(function (code) {
      var r = resolve(spec, responses[code]);
      body.append(el('h4', {}, ['Response ' + code + (r && r.description ? ' — ' + r.description : '')]));
      var c = r && r.content && r.content['application/json'];
      if (c && c.schema) body.append(schemaBlock(spec, c.schema));
    });
    var d = el('details', { class: 'op', 'data-search': (method + ' ' + path + ' ' + (op.summary || '')).toLowerCase() }, [
      el('summary', {}, [el('span', { class: 'method ' + method }, [method]), el('span', { class: 'path' }, [path]), el('span', { class: 'summary' }, [op.summary || ''])]),
      body,
    ]);
    return d;
  }
  function render(spec) {
    document.getElementById('title').textContent = (spec.info && spec.info.title) || 'API reference';
    document.getElementById('subtitle').textContent = 'OpenAPI ' + spec.openapi + (spec.info && spec.info.version ? ' · version ' + spec.info.version : '');
    var groups = {};
    Object.keys(spec.paths || {}).forEach(function (path) {
      METHODS.forEach(function (m) {
        var op = spec.paths[path][m];
        if (!op) return;
        var tag = (op.tags && op.tags[0]) || 'other';
        (groups[tag] = groups[tag] || []).push(operation(spec, path, m, op));
      });
    });
    var root = document.getElementById('ops');
    root.textContent = '';
    Object.keys(groups).forEach(function (tag) { root.append(el('h2', {}, [tag])); groups[tag].forEach(function (d) { root.append(d); }); });
    root.setAttribute('data-count', String(root.querySelectorAll('details.op').length));
  }
  document.getElementById('filter').addEventListener('input', function (e) {
    var q = e.target.value.toLowerCase();
    document.querySelectorAll('details.op').forEach(function (d) { d.style.display = d.getAttribute('data-search').indexOf(q) >= 0 ? '' : 'none'; });
  });
  fetch(specUrl).then(function (r) {
    if (!r.ok) throw new Error('GET ' + specUrl + ' answered ' + r.status);
    return r.json();
  }).then(render).catch(function (e) {
    var root = document.getElementById('ops');
    root.textContent = 'Could not load the API description: ' + e.message;
    root.className = 'error';
  });
})();
</script>
</body>
</html>
`;
