import { createRouter, createWebHistory } from 'vue-router';

/** Routes of the editor; every view is behind the login shown by App.vue. */
export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', redirect: '/graph' },
    // The first-admin form (setup?token=…) is App.vue's, shown before login; a logged-in
    // editor who opens the link sees the graphs.
    { path: '/setup', name: 'setup', component: () => import('./views/GraphListView.vue') },
    { path: '/graph', name: 'graphs', component: () => import('./views/GraphListView.vue') },
    {
      path: '/graph/:uuid',
      name: 'graph',
      component: () => import('./views/GraphView.vue'),
      props: true,
    },
    { path: '/audio', name: 'audio', component: () => import('./views/AudioLibraryView.vue') },
    { path: '/stream', name: 'streams', component: () => import('./views/StreamsView.vue') },
    {
      path: '/stream/:uuid/logs',
      name: 'stream-logs',
      component: () => import('./views/LogsView.vue'),
      props: (route) => ({ streamUuid: route.params.uuid }),
    },
    {
      path: '/stream-point',
      name: 'stream-points',
      component: () => import('./views/StreamPointsView.vue'),
    },
    {
      path: '/stream-point/:uuid/logs',
      name: 'stream-point-logs',
      component: () => import('./views/LogsView.vue'),
      props: (route) => ({ streamPointUuid: route.params.uuid }),
    },
    { path: '/admin', redirect: '/admin/users' },
    { path: '/admin/:tab', name: 'admin', component: () => import('./views/AdminView.vue') },
    { path: '/:pathMatch(.*)*', redirect: '/graph' },
  ],
});
