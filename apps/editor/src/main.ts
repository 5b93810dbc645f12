import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import '@vue-flow/core/dist/style.css';
import '@vue-flow/core/dist/theme-default.css';
import '@vue-flow/minimap/dist/style.css';
import './style.css';
import App from './App.vue';
import { router } from './router.ts';

createApp(App).use(ElementPlus).use(router).mount('#app');
