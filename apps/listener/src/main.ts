import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createApp } from 'vue';
import App from './App.vue';
import { createListenerRouter } from './router.ts';
import './styles.css';

createApp(App).use(ElementPlus).use(createListenerRouter()).mount('#app');
