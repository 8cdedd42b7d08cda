// The files GraphiQL's page loads from npm packages (graphiql@3's UMD build, react@18 and
// react-dom@18's UMD builds), by the name the page asks for. `npm run build` copies them into
// dist/http/graphiql-assets/, so the compiled server needs none of these packages installed.

export const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const JSON_TYPE = "application/json; charset=utf-8";

export interface PackageFile {
  pkg: string;
  file: string;
  contentType: string;
}

export const GRAPHIQL_PACKAGE_FILES: Record<string, PackageFile> = {
  "react.production.min.js": { pkg: "react", file: "umd/react.production.min.js", contentType: JS },
  "react-dom.production.min.js": { pkg: "react-dom", file: "umd/react-dom.production.min.js", contentType: JS },
  "graphiql.min.js": { pkg: "graphiql", file: "graphiql.min.js", contentType: JS },
  "graphiql.min.css": { pkg: "graphiql", file: "graphiql.min.css", contentType: CSS },
  // graphiql.min.js ends with `sourceMappingURL=index.umd.js.map`: browser dev tools ask for it.
  "index.umd.js.map": { pkg: "graphiql", file: "graphiql.min.js.map", contentType: JSON_TYPE },
};

/** The built copy's folder name (beside the compiled graphiql.js) and its manifest of versions. */
export const BUILT_ASSETS_DIR = "graphiql-assets";
export const BUILT_MANIFEST = "versions.json";
