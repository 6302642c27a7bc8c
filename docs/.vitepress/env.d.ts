/// <reference types="vite/client" />
// Types for the site's own TypeScript (checked by the project's `tsc --noEmit`).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';

  const component: DefineComponent<object, object, unknown>;
  export default component;
}
