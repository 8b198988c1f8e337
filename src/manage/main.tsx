import { render } from 'preact';
import { ManageApp } from './manage-app.tsx';
import './manage.css';
import './manage-layout.css';

const root = document.getElementById('app');
if (root) render(<ManageApp />, root);
