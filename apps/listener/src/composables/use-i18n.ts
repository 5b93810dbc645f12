import { computed, ref } from 'vue';
import { de, en, type MessageKey } from '../i18n/messages.ts';

type Language = 'de' | 'en';

function initialLanguage(): Language {
  const query = new URLSearchParams(window.location.search).get('lang');
  if (query === 'de' || query === 'en') return query;
  const stored = window.localStorage.getItem('gencaster.lang');
  if (stored === 'de' || stored === 'en') return stored;
  return window.navigator.language.toLowerCase().startsWith('de') ? 'de' : 'en';
}

const language = ref<Language>(initialLanguage());

/** UI strings in the listener's language (German or English), switchable at run time. */
export function useI18n() {
  const messages = computed(() => (language.value === 'de' ? de : en));
  return {
    language,
    t: (key: MessageKey) => messages.value[key],
    toggleLanguage: () => {
      language.value = language.value === 'de' ? 'en' : 'de';
      window.localStorage.setItem('gencaster.lang', language.value);
      document.documentElement.lang = language.value;
    },
  };
}
