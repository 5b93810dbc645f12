import { createRouter, createWebHistory, type Router } from 'vue-router';

/** Routes of the listener app, below the build's base path. */
export function createListenerRouter(): Router {
  return createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes: [
      { path: '/', name: 'graphs', component: () => import('./pages/GraphListPage.vue') },
      {
        path: '/listen/:graphSlug',
        name: 'listen',
        component: () => import('./pages/ListenPage.vue'),
        props: true,
      },
      {
        path: '/gps-error',
        name: 'gps-error',
        component: () => import('./pages/GpsErrorPage.vue'),
      },
      { path: '/debug', name: 'debug', component: () => import('./pages/DebugPage.vue') },
      { path: '/random', name: 'random', component: () => import('./pages/RandomPage.vue') },
      {
        path: '/:rest(.*)*',
        name: 'not-found',
        component: () => import('./pages/NotFoundPage.vue'),
      },
    ],
  });
}
